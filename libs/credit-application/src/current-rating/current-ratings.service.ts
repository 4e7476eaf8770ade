import { Clock, Cpf, newId } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { Rating } from '@app/credit-domain';
import { RatingRepository } from '../ports/rating.repository';
import { RatingEngine } from '../rating-engine/rating-engine.service';

/** The client the audit log names for a re-rating that the calendar, not a data change, made necessary. */
export const CALENDAR_RERATING_CLIENT = 'rating-engine:calendar';

/**
 * The rating a read may serve: the latest one while it is valid (Rating.validUntil), else the CPF is re-rated on the
 * spot (stored, audited, announced) and the fresh one is served, or none, never the stale one. Why re-rate rather
 * than refuse: docs/legal-rules.md, "Re-rate, don't refuse".
 */
@Injectable()
export class CurrentRatings {
  /** One re-rating per CPF at a time in this process: concurrent reads of one expired rating wait for the same one. */
  private readonly inFlight = new Map<string, Promise<Rating | null>>();

  constructor(
    private readonly ratings: RatingRepository,
    private readonly engine: RatingEngine,
    private readonly clock: Clock,
  ) {}

  /** `stored` is the latest rating when the caller has already read it; otherwise it is read here. */
  async current(cpf: Cpf, stored?: Rating | null): Promise<Rating | null> {
    const latest = stored === undefined ? await this.ratings.latest(cpf) : stored;
    if (!latest || latest.isValidAt(this.clock.now())) return latest;
    return this.rerate(cpf);
  }

  private rerate(cpf: Cpf): Promise<Rating | null> {
    const running = this.inFlight.get(cpf.value);
    if (running) return running;
    const run = (async () => {
      await this.engine.rate(cpf.value, { correlationId: newId(), clientId: CALENDAR_RERATING_CLIENT });
      const fresh = await this.ratings.latest(cpf);
      return fresh && fresh.isValidAt(this.clock.now()) ? fresh : null;
    })().finally(() => this.inFlight.delete(cpf.value));
    this.inFlight.set(cpf.value, run);
    return run;
  }
}
