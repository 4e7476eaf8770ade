import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { RatingRepository } from '../../application/ports/rating.repository';
import { Rating } from '../../domain/rating/rating';

const HISTORY_KEPT = 50;

@Injectable()
export class InMemoryRatingRepository extends RatingRepository {
  /** Newest first. */
  private readonly byCpf = new Map<string, Rating[]>();

  async latest(cpf: Cpf): Promise<Rating | null> {
    return this.byCpf.get(cpf.value)?.[0] ?? null;
  }

  async save(rating: Rating): Promise<void> {
    const list = this.byCpf.get(rating.cpf.value) ?? [];
    list.unshift(rating);
    if (list.length > HISTORY_KEPT) list.length = HISTORY_KEPT;
    this.byCpf.set(rating.cpf.value, list);
  }

  async history(cpf: Cpf, limit: number): Promise<Rating[]> {
    return (this.byCpf.get(cpf.value) ?? []).slice(0, limit);
  }
}
