import { Cpf } from '@app/shared-kernel';
import { Consumer, DebtRecord } from '@app/credit-domain';

/** A_CONSUMER. Looked up by CPF; there is deliberately no way to list consumers. */
export abstract class ConsumerRepository {
  abstract findByCpf(cpf: Cpf): Promise<Consumer | null>;
  /** Replaces the consumer and its debts atomically. */
  abstract save(consumer: Consumer): Promise<void>;
  /**
   * The debts of the named CPFs that are consumers here, keyed by digits, in one read: what the rating engine needs of
   * A for a window. Names and addresses are not read, so nothing is decrypted.
   */
  abstract debtsOf(cpfs: readonly Cpf[]): Promise<Map<string, DebtRecord>>;
}
