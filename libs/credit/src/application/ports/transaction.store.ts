import { Cpf } from '@app/shared-kernel';
import { BureauInquiry, EventType, TransactionEvent } from '../../domain/transactions/transaction-event';
import { TransactionSummary } from '../../domain/transactions/transaction-summary';

export interface AppendResult {
  /** Events written for the first time. */
  stored: number;
  /** Events whose id was already stored: re-ingest is harmless. */
  duplicates: number;
}

export interface TransactionWindow {
  from: Date;
  to: Date;
  types?: EventType[];
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
}

export interface TransactionPage {
  events: TransactionEvent[];
  nextCursor: string | null;
}

export interface AppendOptions {
  /**
   * 'immediate' (default): readable as soon as append resolves, so an analysis assembled right after an ingest sees it.
   * 'eventual': may become readable up to a second later, for high-volume writes nobody reads back at once.
   */
  visibility?: 'immediate' | 'eventual';
  /** Written by the demo loader: a store that outlives the process marks the events so that they can be removed. */
  demo?: boolean;
}

/** C_TRANSACTIONS: the event trail of a CPF. Writes are idempotent by event id. */
export abstract class TransactionStore {
  abstract append(events: TransactionEvent[], options?: AppendOptions): Promise<AppendResult>;
  abstract summarize(cpf: Cpf, now: Date): Promise<TransactionSummary>;
  /**
   * The summaries of several CPFs at once, each what summarize would answer for it (keyed by CPF digits; a CPF with no
   * events gets the empty summary): a regeneration job rates CPFs in windows, and one request for a window costs the
   * store less than one per CPF.
   */
  abstract summarizeMany(cpfs: readonly Cpf[], now: Date): Promise<Map<string, TransactionSummary>>;
  abstract list(cpf: Cpf, window: TransactionWindow): Promise<TransactionPage>;
  abstract inquiriesSince(cpf: Cpf, since: Date, limit: number): Promise<BureauInquiry[]>;
}
