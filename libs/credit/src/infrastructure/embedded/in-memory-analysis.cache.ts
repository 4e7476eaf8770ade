import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { AnalysisCache } from '../../application/ports/analysis.cache';

/** A bounded LRU with expiry: Map keeps insertion order, so re-inserting on read makes the first key the least recent. */
@Injectable()
export class InMemoryAnalysisCache extends AnalysisCache {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();

  constructor(private readonly maxEntries = 10_000) {
    super();
  }

  async get(cpf: Cpf): Promise<string | null> {
    const entry = this.entries.get(cpf.value);
    if (!entry) return null;
    this.entries.delete(cpf.value);
    if (entry.expiresAt <= Date.now()) return null;
    this.entries.set(cpf.value, entry);
    return entry.json;
  }

  async set(cpf: Cpf, json: string, ttlSeconds: number): Promise<void> {
    this.entries.delete(cpf.value);
    this.entries.set(cpf.value, { json, expiresAt: Date.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  async invalidate(cpfs: Cpf[]): Promise<void> {
    for (const cpf of cpfs) this.entries.delete(cpf.value);
  }

  async health(): Promise<'up' | 'degraded'> {
    return 'up';
  }
}
