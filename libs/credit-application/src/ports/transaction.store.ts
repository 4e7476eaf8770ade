import { Cpf } from '@app/shared-kernel';
import { BureauInquiry, EventType, TransactionEvent, ScoringActivity, TransactionSummary } from '@app/credit-domain';

export type AppendOutcome = 'STORED' | 'DUPLICATE';

export interface AppendResult {
  /** Events written for the first time. */
  stored: number;
  /** Events whose (source, event id) was already stored, or came earlier in the same call: re-ingest is harmless. */
  duplicates: number;
  /** Per event, in the order given. */
  outcomes: AppendOutcome[];
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

/**
 * C_TRANSACTIONS: the event trail of a CPF. Writes are idempotent per source: an event is identified by who reported
 * it and its event id, so two partners' events with the same id are two events.
 */
export abstract class TransactionStore {
  abstract append(events: TransactionEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Per event, whether an append of it now would find it already stored (what the API tells a client at once). */
  abstract findStored(events: TransactionEvent[]): Promise<boolean[]>;
  /** Aggregates for the analysis and scoring; only inquiries for a credit decision count (CREDIT_DECISION_PURPOSES). */
  abstract summarize(cpf: Cpf, now: Date): Promise<TransactionSummary>;
  /**
   * What scoring reads of several CPFs at once, each as scoringActivityOf(summarize) would answer it (keyed by CPF
   * digits; a CPF with no events has none): the rating engine asks for a window of CPFs in one request.
   */
  abstract scoringActivityMany(cpfs: readonly Cpf[], now: Date): Promise<Map<string, ScoringActivity>>;
  abstract list(cpf: Cpf, window: TransactionWindow): Promise<TransactionPage>;
  abstract inquiriesSince(cpf: Cpf, since: Date, limit: number): Promise<BureauInquiry[]>;
}
