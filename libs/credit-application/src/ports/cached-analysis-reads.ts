import { Cpf } from '@app/shared-kernel';
import { BureauInquiry } from '@app/credit-domain';
import { FillTicket } from './analysis.cache';
import { SealedAuditEntry } from './audit-log';
import { RateDecision } from './rate-limiter';

export interface CachedReadRequest {
  cpf: Cpf;
  /** Whose rate-limit budget the request spends (the API key's id). */
  clientId: string;
  /** The audit entry of the read, journalled together with it when the analysis is served. */
  audit: SealedAuditEntry;
  /** The bureau inquiry the read records, journalled together with it when the analysis is served. */
  inquiry: BureauInquiry;
}

export type CachedReadResult =
  /**
   * The cached analysis, as stored; the request was counted, its audit entry and inquiry journalled in the same step.
   */
  | { kind: 'hit'; body: Buffer; rate: RateDecision }
  /**
   * Counted, not served: nothing cached (with the fill ticket for the analysis the full path assembles), or over the
   * limit (rate.allowed false, ticket null: the cache was not read). Nothing was journalled.
   */
  | { kind: 'miss'; rate: RateDecision; ticket: FillTicket }
  /** The store could not be asked; nothing was counted or journalled. */
  | { kind: 'unavailable' };

/**
 * The hot read of an analysis in one step: count the request against the client's rate limit, read the cached analysis
 * and, only when it is served, journal the read's audit entry and bureau inquiry durably. One round trip to the cache
 * instead of three keeps a cache hit close to the cost of the cache read itself. Whatever it does not serve, the full
 * query path answers.
 */
export abstract class CachedAnalysisReads {
  abstract read(request: CachedReadRequest): Promise<CachedReadResult>;
}
