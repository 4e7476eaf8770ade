import {
  AnalysisCache,
  AuditLog,
  CachedAnalysisReads,
  CachedReadRequest,
  CachedReadResult,
  InquiryRecorder,
  RateLimiter,
} from '@app/credit-application';

/**
 * The cached read step without Redis (the embedded default): the same contract in three calls instead of one script.
 * The audit entry is written before the analysis is served, so a served read without it cannot happen here either.
 */
export class LocalCachedAnalysisReads extends CachedAnalysisReads {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly cache: AnalysisCache,
    private readonly audit: AuditLog,
    private readonly inquiries: InquiryRecorder,
  ) {
    super();
  }

  async read({ cpf, clientId, audit, inquiry }: CachedReadRequest): Promise<CachedReadResult> {
    const rate = await this.limiter.hit(clientId);
    if (!rate.allowed) return { kind: 'miss', rate, ticket: null };
    const cached = await this.cache.lookup(cpf);
    if (cached.json === null) return { kind: 'miss', rate, ticket: cached.ticket };
    await this.audit.recordSealed(audit);
    this.inquiries.record(inquiry);
    return { kind: 'hit', body: Buffer.from(cached.json), rate };
  }
}
