import { Cpf } from '@app/shared-kernel';

/**
 * What a miss hands to the fill that follows it: the CPF's invalidation count when the miss happened. A fill with
 * an outdated ticket is dropped, so an analysis assembled from data read before an invalidation cannot be cached
 * after it. null: the cache could not be asked, so the fill is skipped.
 */
export type FillTicket = string | null;

export type CacheLookup = { json: string } | { json: null; ticket: FillTicket };

/**
 * Cache of assembled analyses, keyed by CPF. Adapters must never throw: a cache that is down is a miss,
 * and the query answers from the stores.
 *
 * The race it closes: a miss reads the stores, new data for the CPF is written and the CPF invalidated, then the
 * miss writes what it read. Without the ticket that stale analysis would be served until its TTL ran out.
 */
export abstract class AnalysisCache {
  /** The cached JSON text, served as stored so a hit costs no re-serialisation; on a miss, the ticket for fill(). */
  abstract lookup(cpf: Cpf): Promise<CacheLookup>;
  /**
   * Caches the analysis for `ttlMs` (a whole number of milliseconds, at least 1) only if the CPF was not invalidated
   * since the lookup that gave the ticket.
   */
  abstract fill(cpf: Cpf, json: string, ttlMs: number, ticket: FillTicket): Promise<void>;
  /** Caches unconditionally (seeding, tests). */
  abstract set(cpf: Cpf, json: string, ttlMs: number): Promise<void>;
  /** Drops the CPFs' analyses and makes every outstanding ticket for them stale. */
  abstract invalidate(cpfs: Cpf[]): Promise<void>;
  abstract health(): Promise<'up' | 'degraded'>;

  async get(cpf: Cpf): Promise<string | null> {
    return (await this.lookup(cpf)).json;
  }
}
