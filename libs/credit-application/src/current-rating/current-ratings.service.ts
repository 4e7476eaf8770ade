import { Clock, Cpf, newId } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { Rating } from '@app/credit-domain';
import { RatingRepository } from '../ports/rating.repository';
import { RatingEngine } from '../rating-engine/rating-engine.service';

/** The client the audit log names for a re-rating that the calendar, not a data change, made necessary. */
export const CALENDAR_RERATING_CLIENT = 'rating-engine:calendar';

/**
 * The rating a read may serve, or use to answer: the latest one while it is valid (Rating.validUntil). Once the
 * calendar has taken away a negative record it used, the CPF is re-rated on the spot by the rating engine, as a window
 * of
 * one (stored, audited, announced), and the fresh rating is served.
 *
 * Why re-rate rather than refuse: the stale rating may not be served (CDC art. 43 §1 and §5; STJ Tema 710), but the
 * lender is entitled to the rating the bureau may report today, and that is computable at once from data at hand.
 * Refusing would turn every expiry into an outage for that consumer until a scheduled re-rating ran. If the re-rating
 * fails, the read fails as it would with a store away; if it yields nothing servable, the read has no rating (null),
 * never the stale one.
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
