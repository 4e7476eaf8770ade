import { recordAnalysisCacheLookup } from '@app/platform';
import { Clock, Cpf, SystemClock } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { AnalysisCache, CacheLookup, FillTicket } from '@app/credit-application';

/**
 * A bounded LRU with expiry: Map keeps insertion order, so re-inserting on read makes the first key the least recent.
 */
@Injectable()
export class InMemoryAnalysisCache extends AnalysisCache {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();
  /**
   * Invalidations per CPF, the fill tickets. One number per CPF ever invalidated: the embedded store is a demo's size.
   */
  private readonly invalidations = new Map<string, number>();

  /** `clock`: expiry follows the same clock as the analyses, so a TTL cut to an expiry ends at that very instant. */
  constructor(
    private readonly maxEntries = 10_000,
    private readonly clock: Clock = new SystemClock(),
  ) {
    super();
  }

  async lookup(cpf: Cpf): Promise<CacheLookup> {
    const entry = this.entries.get(cpf.value);
    if (entry) {
      this.entries.delete(cpf.value);
      if (entry.expiresAt > this.clock.now().getTime()) {
        this.entries.set(cpf.value, entry);
        recordAnalysisCacheLookup('hit');
        return { json: entry.json };
      }
    }
    recordAnalysisCacheLookup('miss');
    return { json: null, ticket: this.ticketFor(cpf) };
  }

  async fill(cpf: Cpf, json: string, ttlMs: number, ticket: FillTicket): Promise<void> {
    if (ticket === null || ticket !== this.ticketFor(cpf)) return;
    await this.set(cpf, json, ttlMs);
  }

  async set(cpf: Cpf, json: string, ttlMs: number): Promise<void> {
    this.entries.delete(cpf.value);
    this.entries.set(cpf.value, { json, expiresAt: this.clock.now().getTime() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  private ticketFor(cpf: Cpf): string {
    return String(this.invalidations.get(cpf.value) ?? 0);
  }

  async invalidate(cpfs: Cpf[]): Promise<void> {
    for (const cpf of cpfs) {
      this.entries.delete(cpf.value);
      this.invalidations.set(cpf.value, (this.invalidations.get(cpf.value) ?? 0) + 1);
    }
  }

  async health(): Promise<'up' | 'degraded'> {
    return 'up';
  }
}
