import { Cpf } from '@app/shared-kernel';
import { Address, AddressProps, Debt } from '@app/credit-domain';

/** A consumer a batch of debt reports names, locked for the batch; name and address are decrypted only when asked. */
export interface HeldConsumer {
  cpf: Cpf;
  contact(): { name: string; address: AddressProps };
}

/** What a batch's transaction found: its consumers (by CPF digits) and its debts (by debtKey). */
export interface HeldDebts {
  consumers: Map<string, HeldConsumer>;
  debts: Map<string, Debt>;
}

/** The writes a batch of debt reports comes to: each debt written in its final state, or removed. */
export interface DebtWrites {
  upserts: { cpf: Cpf; debt: Debt }[];
  removals: { cpf: Cpf; debtId: string }[];
  /** Consumers whose debts changed: their record's update time moves to `at`, and it is no longer demo data. */
  touched: Cpf[];
  at: Date;
}

export interface ConsumerRecordWrite {
  cpf: Cpf;
  name: string;
  address: Address;
}

export const debtKey = (cpf: string, debtId: string): string => `${cpf}/${debtId}`;

/**
 * A_CONSUMER written in bulk by creditors' feeds: set-based (a few statements per batch, whatever its size), never one
 * consumer at a time.
 */
export abstract class ConsumerFeeds {
  /**
   * In one transaction: locks the consumers of `keys` (a concurrent batch, or a PUT, on one of them waits), reads the
   * debts `keys` name, hands both to `decide` and writes the writes it returns. If `decide` throws, nothing is written.
   */
  abstract changeDebts<T>(
    keys: readonly { cpf: Cpf; debtId: string }[],
    decide: (held: HeldDebts) => { writes: DebtWrites; result: T },
  ): Promise<T>;

  /** Creates each consumer, or replaces its name and address (its debts are kept), in one statement. */
  abstract saveRecords(records: readonly ConsumerRecordWrite[], at: Date): Promise<void>;
}
