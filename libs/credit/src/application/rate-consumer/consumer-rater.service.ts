import { Clock, Cpf, MessageMetadata } from '@app/shared-kernel';
import { throttledWarning } from '@app/platform';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { Consumer } from '../../domain/consumer/consumer.entity';
import { Rating } from '../../domain/rating/rating';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';
import { ratingValidUntil } from '../../domain/rating/rating-validity';
import { CreditScorer } from '../../domain/scoring/credit-scorer';
import { buildScoringFacts } from '../../domain/scoring/scoring-facts';
import { TransactionSummary } from '../../domain/transactions/transaction-summary';
import { ChangeNotifier } from '../events/change-notifier';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { ConsumerRepository } from '../ports/consumer.repository';
import { AuditLog } from '../ports/audit-log';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingRepository } from '../ports/rating.repository';
import { TransactionStore } from '../ports/transaction.store';

export type RateResult = 'RATED' | 'UNCHANGED' | 'NO_DATA';

/**
 * How many CPFs the callers of rateMany rate at once (a regeneration job, a rescore message): enough to keep the
 * stores busy while each rating waits on its round trips; 64 was no faster over a whole base (BENCHMARKS.md, section 4).
 */
export const RATING_WINDOW = 16;

/**
 * For work that may already have run once and died between storing a rating and announcing it (a redelivered
 * message, a resumed job): a rating that comes out unchanged is announced again when the stored one was generated at
 * or after `since`, since nothing else would announce it. Consumers of the event only evict and re-read, so a repeat
 * costs a cache miss.
 */
export interface ResendUnchanged {
  since: Date;
}

/** A CPF's C summary read ahead with others (TransactionStore.summarizeMany), and the instant it was taken at. */
export interface PrefetchedSummary {
  summary: TransactionSummary;
  at: Date;
}

/** Reads A, B and C for one CPF, runs the model and stores the rating when it differs from the last one. */
@Injectable()
export class ConsumerRater {
  private readonly warn = throttledWarning(new Logger(ConsumerRater.name));

  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly ratings: RatingRepository,
    private readonly transactions: TransactionStore,
    private readonly scorer: CreditScorer,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  /**
   * `snapshot`: the CPF's features as a regeneration page read them, which spares a look-up per CPF. The page may be
   * older than a change to them, so before a rating computed from it is written the features are read again; when
   * they have changed, the rating is computed from the current ones. An unchanged rating is never written, so a stale
   * snapshot can only ever cost that one read.
   */
  async rate(cpfValue: string, metadata: MessageMetadata, snapshot?: RatingFeatures, prefetched?: PrefetchedSummary, resend?: ResendUnchanged): Promise<RateResult> {
    const cpf = Cpf.parse(cpfValue);
    if (snapshot && !snapshot.props.cpf.equals(cpf)) throw new Error('the features snapshot belongs to another CPF');
    const now = prefetched?.at ?? this.clock.now();
    const [consumer, features, summary, previous] = await Promise.all([
      this.consumers.findByCpf(cpf),
      snapshot ?? this.features.findByCpf(cpf),
      prefetched?.summary ?? this.transactions.summarize(cpf, now),
      this.ratings.latest(cpf),
    ]);
    let rating = this.ratingFrom(cpf, consumer, features, summary, now);
    if (rating && snapshot && !this.unchanged(rating, previous)) {
      const current = await this.features.findByCpf(cpf);
      if (!snapshot.sameAs(current)) rating = this.ratingFrom(cpf, consumer, current, summary, now);
    }
    if (!rating) return 'NO_DATA';
    if (this.unchanged(rating, previous)) {
      if (previous && resend && previous.props.generatedAt >= resend.since) await this.announceAgain(previous, metadata);
      return 'UNCHANGED';
    }
    await this.ratings.save(rating);
    // Ratings are B data written by the system, not by a REST client: they are audited all the same.
    await this.audit?.record({
      clientId: metadata.clientId ?? 'rating-engine', scope: 'system:rating', purpose: null, cpf, action: 'WRITE', resource: 'RATING', outcome: 'SUCCESS', requestId: metadata.correlationId,
    });
    await this.changes.notify(new RatingChangedEvent(rating, previous?.props.score ?? null, metadata));
    return 'RATED';
  }

  /**
   * Rates a window of CPFs (a regeneration job's), their C summaries read in one request. Each CPF succeeds or fails
   * on its own, as rate() would; when the shared read fails, each CPF reads its own summary instead.
   */
  async rateMany(entries: ReadonlyArray<{ cpf: string; features?: RatingFeatures }>, metadata: MessageMetadata, resend?: ResendUnchanged): Promise<PromiseSettledResult<RateResult>[]> {
    const at = this.clock.now();
    const parsed = entries.map(({ cpf }) => Cpf.tryParse(cpf));
    const summaries = await this.transactions.summarizeMany(parsed.filter((c): c is Cpf => c !== null), at).catch((error: unknown) => {
      // Each CPF then reads its own summary: slower, and each may still fail on its own.
      this.warn(`reading the C summaries of ${entries.length} CPFs at once failed, reading them one by one: ${(error as Error).message}`);
      return null;
    });
    return Promise.allSettled(
      entries.map(({ cpf, features }, i) => {
        const summary = parsed[i] && summaries?.get(parsed[i].value);
        return this.rate(cpf, metadata, features, summary ? { summary, at } : undefined, resend);
      }),
    );
  }

  /**
   * Rates a list of CPFs (a rescore message's, a change's), each once, in windows of RATING_WINDOW through rateMany:
   * one outcome per distinct CPF, in the order first named.
   */
  async rateAll(cpfs: readonly string[], metadata: MessageMetadata, resend?: ResendUnchanged): Promise<PromiseSettledResult<RateResult>[]> {
    const distinct = [...new Set(cpfs)];
    const outcomes: PromiseSettledResult<RateResult>[] = [];
    for (let i = 0; i < distinct.length; i += RATING_WINDOW) {
      outcomes.push(...(await this.rateMany(distinct.slice(i, i + RATING_WINDOW).map((cpf) => ({ cpf })), metadata, resend)));
    }
    return outcomes;
  }

  /** The stored rating's change once more, with the score before it, for a run that may have died before announcing it. */
  private async announceAgain(stored: Rating, metadata: MessageMetadata): Promise<void> {
    const [, before] = await this.ratings.history(stored.cpf, 2);
    await this.changes.notify(new RatingChangedEvent(stored, before?.props.score ?? null, metadata));
  }

  private ratingFrom(cpf: Cpf, consumer: Consumer | null, features: RatingFeatures | null, summary: TransactionSummary, now: Date): Rating | null {
    if (!consumer && !features) return null;
    const outcome = this.scorer.score(buildScoringFacts(consumer, features, summary, now));
    return Rating.create({ cpf, ...outcome, generatedAt: now, validUntil: ratingValidUntil(consumer, now) });
  }

  private unchanged(rating: Rating, previous: Rating | null): boolean {
    return (
      rating.sameOutcomeAs(previous) &&
      JSON.stringify(previous?.props.reasonCodes) === JSON.stringify(rating.props.reasonCodes) &&
      previous?.props.validUntil?.getTime() === rating.props.validUntil?.getTime()
    );
  }
}
