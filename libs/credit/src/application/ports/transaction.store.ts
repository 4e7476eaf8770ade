import { Cpf } from '@app/shared-kernel';
import { BureauInquiry, EventType, TransactionEvent } from '../../domain/transactions/transaction-event';
import { ScoringActivity, TransactionSummary } from '../../domain/transactions/transaction-summary';

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
}

/** C_TRANSACTIONS: the event trail of a CPF. Writes are idempotent by event id. */
export abstract class TransactionStore {
  abstract append(events: TransactionEvent[], options?: AppendOptions): Promise<AppendResult>;
  abstract summarize(cpf: Cpf, now: Date): Promise<TransactionSummary>;
  /**
   * What scoring reads of several CPFs at once, each as scoringActivityOf(summarize) would answer it (keyed by CPF
   * digits; a CPF with no events has none): the rating engine asks for a window of CPFs in one request.
   */
  abstract scoringActivityMany(cpfs: readonly Cpf[], now: Date): Promise<Map<string, ScoringActivity>>;
  abstract list(cpf: Cpf, window: TransactionWindow): Promise<TransactionPage>;
  abstract inquiriesSince(cpf: Cpf, since: Date, limit: number): Promise<BureauInquiry[]>;
}
