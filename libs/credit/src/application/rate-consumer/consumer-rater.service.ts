import { Clock, Cpf, MessageMetadata } from '@app/shared-kernel';
import { Injectable, Optional } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { Rating } from '../../domain/rating/rating';
import { CreditScorer } from '../../domain/scoring/credit-scorer';
import { buildScoringFacts } from '../../domain/scoring/scoring-facts';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { ConsumerRepository } from '../ports/consumer.repository';
import { AuditLog } from '../ports/audit-log';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingRepository } from '../ports/rating.repository';
import { TransactionStore } from '../ports/transaction.store';

export type RateResult = 'RATED' | 'UNCHANGED' | 'NO_DATA';

/** Reads A, B and C for one CPF, runs the model and stores the rating when it differs from the last one. */
@Injectable()
export class ConsumerRater {
  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly ratings: RatingRepository,
    private readonly transactions: TransactionStore,
    private readonly scorer: CreditScorer,
    private readonly clock: Clock,
    private readonly events: EventBus,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  async rate(cpfValue: string, metadata: MessageMetadata): Promise<RateResult> {
    const cpf = Cpf.parse(cpfValue);
    const now = this.clock.now();
    const [consumer, features, summary, previous] = await Promise.all([
      this.consumers.findByCpf(cpf),
      this.features.findByCpf(cpf),
      this.transactions.summarize(cpf, now),
      this.ratings.latest(cpf),
    ]);
    if (!consumer && !features) return 'NO_DATA';
    const outcome = this.scorer.score(buildScoringFacts(consumer, features, summary, now));
    const rating = Rating.create({ cpf, ...outcome, generatedAt: now });
    if (rating.sameOutcomeAs(previous) && JSON.stringify(previous?.props.reasonCodes) === JSON.stringify(rating.props.reasonCodes)) {
      return 'UNCHANGED';
    }
    await this.ratings.save(rating);
    // Ratings are B data written by the system, not by a REST client: they are audited all the same.
    await this.audit?.record({
      clientId: metadata.clientId ?? 'rating-engine', scope: 'system:rating', purpose: null, cpf, action: 'WRITE', resource: 'RATING', outcome: 'SUCCESS', requestId: metadata.correlationId,
    });
    this.events.publish(new RatingChangedEvent(rating, previous?.props.score ?? null, metadata));
    return 'RATED';
  }
}
