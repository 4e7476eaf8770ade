import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { HeadsRead, RatingRepository } from '../../application/ports/rating.repository';
import { Rating } from '../../domain/rating/rating';
import { RATING_HISTORY_KEPT, RatingHead, RatingWrite, Recency, compareRecency, latestHead } from '../../domain/rating/rating-head';
import { PartitionLevel, partitionKeyOf } from '../../domain/rating/rating-partition';

type Stored = { id: string; rating: Rating; featuresAt: Date | null; seq: number };
const recency = (s: Stored): Recency => ({ featuresAt: s.featuresAt, seq: s.seq, generatedAt: s.rating.props.generatedAt, id: s.id });

/** The rating store in process: the same semantics as the MongoDB adapter (idempotent by id, heads beside history). */
@Injectable()
export class InMemoryRatingRepository extends RatingRepository {
  private readonly historyByCpf = new Map<string, Stored[]>();
  private readonly headsByCpf = new Map<string, RatingHead[]>();

  async latest(cpf: Cpf): Promise<Rating | null> {
    return this.sorted(cpf.value)[0]?.rating ?? null;
  }

  async history(cpf: Cpf, limit: number): Promise<Rating[]> {
    return limit <= 0 ? [] : this.sorted(cpf.value).slice(0, limit).map((s) => s.rating);
  }

  async headsOf(cpfs: readonly Cpf[]): Promise<HeadsRead> {
    return this.read(new Set(cpfs.map((c) => c.value)));
  }

  async headsInPartition(level: PartitionLevel, key: number): Promise<HeadsRead> {
    return this.read(new Set([...this.headsByCpf.keys()].filter((cpf) => partitionKeyOf(level, cpf) === key)));
  }

  async append(writes: readonly RatingWrite[]): Promise<void> {
    for (const { rating, head, pruneHistory } of writes) {
      const history = this.historyByCpf.get(head.cpf) ?? [];
      if (!history.some((s) => s.id === head.ratingId)) history.push({ id: head.ratingId, rating, featuresAt: head.featuresAt, seq: head.seq });
      this.historyByCpf.set(head.cpf, history);
      const heads = this.headsByCpf.get(head.cpf) ?? [];
      if (!heads.some((h) => h.ratingId === head.ratingId)) heads.push(head);
      this.headsByCpf.set(head.cpf, heads);
      if (pruneHistory) this.historyByCpf.set(head.cpf, this.sorted(head.cpf).slice(0, RATING_HISTORY_KEPT));
    }
  }

  async dropHeads(level: PartitionLevel, key: number, ratingIds: readonly string[]): Promise<void> {
    const drop = new Set(ratingIds);
    for (const [cpf, heads] of this.headsByCpf) {
      if (partitionKeyOf(level, cpf) === key) this.headsByCpf.set(cpf, heads.filter((h) => !drop.has(h.ratingId)));
    }
  }

  /** How many heads are stored, superseded ones included (tests of clean-up). */
  headCount(): number {
    return [...this.headsByCpf.values()].reduce((n, heads) => n + heads.length, 0);
  }

  private sorted(cpf: string): Stored[] {
    return [...(this.historyByCpf.get(cpf) ?? [])].sort((a, b) => compareRecency(recency(b), recency(a)));
  }

  private read(cpfs: Set<string>): HeadsRead {
    const read: HeadsRead = { latest: new Map(), superseded: [] };
    for (const cpf of cpfs) {
      const { latest, superseded } = latestHead(this.headsByCpf.get(cpf) ?? []);
      if (latest) read.latest.set(cpf, latest);
      read.superseded.push(...superseded);
    }
    return read;
  }
}
