import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { FeaturesPageEntry, RatingFeaturesRepository } from '../../application/ports/rating-features.repository';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';

@Injectable()
export class InMemoryRatingFeaturesRepository extends RatingFeaturesRepository {
  private readonly byCpf = new Map<string, RatingFeatures>();
  private sortedCpfs: string[] | null = null;

  async findByCpf(cpf: Cpf): Promise<RatingFeatures | null> {
    return this.byCpf.get(cpf.value) ?? null;
  }

  async save(features: RatingFeatures): Promise<void> {
    if (!this.byCpf.has(features.props.cpf.value)) this.sortedCpfs = null;
    this.byCpf.set(features.props.cpf.value, features);
  }

  async *pagesAfter(after: string | null, pageSize: number): AsyncIterable<FeaturesPageEntry[]> {
    if (pageSize <= 0) throw new RangeError('pageSize must be positive');
    for (let cursor = after; ; ) {
      const page = this.slice(cursor, pageSize);
      if (page.length === 0) return;
      yield page.map((cpf) => ({ cpf, features: this.byCpf.get(cpf)! }));
      cursor = page[page.length - 1]!;
    }
  }

  /** Up to `limit` CPFs after `after` in the current sorted order (re-sorted after an insert, as a live query would see it). */
  private slice(after: string | null, limit: number): string[] {
    this.sortedCpfs ??= [...this.byCpf.keys()].sort();
    const all = this.sortedCpfs;
    let lo = 0;
    if (after !== null) {
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (all[mid] <= after) lo = mid + 1;
        else hi = mid;
      }
    }
    return all.slice(lo, lo + limit);
  }

  /** Exact: the map's size. */
  async estimatedCount(): Promise<number> {
    return this.byCpf.size;
  }
}
