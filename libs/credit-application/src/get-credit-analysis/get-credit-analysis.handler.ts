import { Clock, Cpf } from '@app/shared-kernel';
import { Inject, Optional } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { analysisValidUntil, assembleCreditAnalysis, ConsumerNotFoundError } from '@app/credit-domain';
import { AnalysisCache } from '../ports/analysis.cache';
import { ConsumerRepository } from '../ports/consumer.repository';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { CurrentRatings } from '../current-rating/current-ratings.service';
import { TransactionStore } from '../ports/transaction.store';
import { CreditAnalysisResult, GetCreditAnalysisQuery } from './get-credit-analysis.query';
import { InquiryRecorder, analysisInquiry } from '../ports/inquiry-recorder';

export const ANALYSIS_TTL_SECONDS = 'ANALYSIS_TTL_SECONDS';

/**
 * Cache first; on a miss, A, B and C are read in parallel and assembled. Either way the inquiry is recorded
 * in C, in the background (InquiryRecorder), without invalidating the cached analysis, or no read would ever hit.
 * The rating is the one CurrentRatings lets a read serve, and the analysis is cached no longer than its earliest
 * expiry (a debt or rating ceasing to be reportable), so no cache serves it past that instant.
 */
@QueryHandler(GetCreditAnalysisQuery)
export class GetCreditAnalysisHandler implements IQueryHandler<GetCreditAnalysisQuery, CreditAnalysisResult> {
  private readonly ttlSeconds: number;

  constructor(
    private readonly cache: AnalysisCache,
    private readonly consumers: ConsumerRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly ratings: CurrentRatings,
    private readonly transactions: TransactionStore,
    private readonly clock: Clock,
    private readonly inquiries: InquiryRecorder,
    @Optional() @Inject(ANALYSIS_TTL_SECONDS) ttlSeconds?: number,
  ) {
    this.ttlSeconds = ttlSeconds ?? 300;
  }

  async execute({
    cpf: raw,
    inquirer,
    purpose,
    options: { knownMiss, inquiryId },
  }: GetCreditAnalysisQuery): Promise<CreditAnalysisResult> {
    const cpf = Cpf.parse(raw);
    const cached = knownMiss ? { json: null, ticket: knownMiss.ticket } : await this.cache.lookup(cpf);
    let result: CreditAnalysisResult;
    if (cached.json !== null) {
      result = { json: cached.json, cacheHit: true };
    } else {
      const now = this.clock.now();
      const [consumer, features, rating, summary] = await Promise.all([
        this.consumers.findByCpf(cpf),
        this.features.findByCpf(cpf),
        this.ratings.current(cpf),
        this.transactions.summarize(cpf, now),
      ]);
      if (!consumer) throw new ConsumerNotFoundError();
      const json = JSON.stringify(assembleCreditAnalysis(consumer, features, rating, summary, now));
      const expiry = analysisValidUntil(consumer, rating, now);
      const ttlMs = Math.min(
        this.ttlSeconds * 1000,
        expiry ? expiry.getTime() - now.getTime() : Number.POSITIVE_INFINITY,
      );
      // Not awaited: the port never rejects, and the answer does not depend on it. Issued in the same tick as the
      // inquiry below and the interceptor's audit entry, ioredis sends the three in one write (one wake-up of Redis).
      // The ticket makes the fill a no-op if the CPF was invalidated since the lookup: what was read may be stale.
      if (ttlMs >= 1) void this.cache.fill(cpf, json, Math.floor(ttlMs), cached.ticket);
      result = { json, cacheHit: false };
    }
    this.inquiries.record(analysisInquiry(cpf, inquirer, purpose, this.clock.now(), inquiryId));
    return result;
  }
}
