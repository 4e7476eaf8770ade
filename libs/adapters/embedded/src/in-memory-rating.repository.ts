import { Cpf, newId } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { PartitionHeads, RatingRepository } from '@app/credit-application';
import {
  Rating,
  RATING_HISTORY_KEPT,
  RatingHead,
  RatingWrite,
  Recency,
  compareRecency,
  latestHead,
  PartitionLevel,
  partitionKeyOf,
} from '@app/credit-domain';

type Stored = { id: string; rating: Rating; head: RatingHead };
const recency = (s: Stored): Recency => ({
  featuresAt: s.head.featuresAt,
  seq: s.head.seq,
  generatedAt: s.rating.props.generatedAt,
  id: s.id,
});

/**
 * The rating store in process, with the MongoDB adapter's semantics: idempotent by id, snapshots beside loose heads.
 */
@Injectable()
export class InMemoryRatingRepository extends RatingRepository {
  private readonly historyByCpf = new Map<string, Stored[]>();
  private readonly loose = new Map<string, RatingHead>();
  private readonly pages = new Map<string, { level: PartitionLevel; key: number; run: string; heads: RatingHead[] }>();

  async latest(cpf: Cpf): Promise<Rating | null> {
    return this.sorted(cpf.value)[0]?.rating ?? null;
  }

  async history(cpf: Cpf, limit: number): Promise<Rating[]> {
    return limit <= 0
      ? []
      : this.sorted(cpf.value)
          .slice(0, limit)
          .map((s) => s.rating);
  }

  async headsOf(cpfs: readonly Cpf[]): Promise<Map<string, RatingHead>> {
    const found = new Map<string, RatingHead>();
    for (const cpf of cpfs) {
      const [newest] = this.sorted(cpf.value);
      if (newest) found.set(cpf.value, newest.head);
    }
    return found;
  }

  async headsInPartition(level: PartitionLevel, key: number): Promise<PartitionHeads> {
    const inside = (cpf: string) => partitionKeyOf(level, cpf) === key;
    const pages = [...this.pages].filter(
      ([, p]) => p.heads.some((h) => inside(h.cpf)) || (p.level === level && p.key === key),
    );
    const loose = [...this.loose].filter(([, h]) => inside(h.cpf));
    const byCpf = new Map<string, RatingHead[]>();
    for (const head of [
      ...pages.flatMap(([, p]) => p.heads.filter((h) => inside(h.cpf))),
      ...loose.map(([, h]) => h),
    ]) {
      byCpf.set(head.cpf, [...(byCpf.get(head.cpf) ?? []), head]);
    }
    return {
      latest: new Map([...byCpf].map(([cpf, heads]) => [cpf, latestHead(heads).latest!])),
      read: {
        pageIds: pages.map(([id]) => id),
        headIds: loose.map(([id]) => id),
        compact: loose.length === 0 && new Set(pages.map(([, p]) => p.run)).size <= 1,
      },
    };
  }

  async append(writes: readonly RatingWrite[], options: { heads?: boolean } = {}): Promise<void> {
    for (const { rating, head, pruneHistory } of writes) {
      const history = this.historyByCpf.get(head.cpf) ?? [];
      if (!history.some((s) => s.id === head.ratingId)) history.push({ id: head.ratingId, rating, head });
      this.historyByCpf.set(head.cpf, history);
      if (options.heads !== false) this.loose.set(head.ratingId, head);
      if (pruneHistory) this.historyByCpf.set(head.cpf, this.sorted(head.cpf).slice(0, RATING_HISTORY_KEPT));
    }
  }

  async writeSnapshot(
    level: PartitionLevel,
    key: number,
    run: string,
    heads: Iterable<RatingHead>,
    replaces: PartitionHeads['read'],
  ): Promise<void> {
    this.pages.set(`${run}:${newId()}`, { level, key, run, heads: [...heads] });
    for (const id of replaces.pageIds) if (!id.startsWith(`${run}:`)) this.pages.delete(id);
    for (const id of replaces.headIds) this.loose.delete(id);
  }

  /** Heads stored loose and in snapshots (tests of what a snapshot folds in). */
  headCount(): number {
    return this.loose.size + [...this.pages.values()].reduce((n, p) => n + p.heads.length, 0);
  }

  private sorted(cpf: string): Stored[] {
    return [...(this.historyByCpf.get(cpf) ?? [])].sort((a, b) => compareRecency(recency(b), recency(a)));
  }
}
