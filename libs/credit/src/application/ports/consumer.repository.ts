import { Cpf } from '@app/shared-kernel';
import { Consumer } from '../../domain/consumer/consumer.entity';

/** A_CONSUMER. Looks up one CPF at a time; there is deliberately no way to list consumers. */
export abstract class ConsumerRepository {
  abstract findByCpf(cpf: Cpf): Promise<Consumer | null>;
  /** Replaces the consumer and its debts atomically. */
  abstract save(consumer: Consumer): Promise<void>;
}
