import { Cpf, FixedClock } from '@app/shared-kernel';
import {
  InMemoryApiKeyRepository,
  InMemoryConsumerRepository,
  NOW,
  RecordingAuditLog,
  RecordingEventBus,
  VALID_CPF,
  aConsumer,
  aRating,
  cpfFromBase,
  saveRating,
} from '@app/testing';
import { WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
  LocalCachedAnalysisReads,
  InMemoryRateLimiter,
} from '@app/adapters/embedded';
import { ApiKeys } from '../access/api-keys.service';
import { CurrentRatings } from '../current-rating/current-ratings.service';
import { BufferedInquiryRecorder } from '../get-credit-analysis/buffered-inquiry-recorder';
import { GetCreditAnalysisHandler } from '../get-credit-analysis/get-credit-analysis.handler';
import { CachedAnalysisReads, CachedReadRequest, CachedReadResult } from '../ports/cached-analysis-reads';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { AnalysisReadOutcome, AnalysisReadRequest } from './analysis-read';
import { AnalysisReadPolicy } from './analysis-read.policy';

const cpf = Cpf.parse(VALID_CPF);
const UNKNOWN_CPF = cpfFromBase(987_654_321);
const LIMIT = 5;
const SINCE_EVER = new Date(0);

/** A cached step whose store cannot be asked (Redis away): it fails, and the policy must still apply every rule. */
class UnreachableReads extends CachedAnalysisReads {
  calls = 0;
  async read(): Promise<CachedReadResult> {
    this.calls += 1;
    throw new Error('connect ECONNREFUSED');
  }
}

describe('AnalysisReadPolicy', () => {
  let audit: RecordingAuditLog;
  let limiter: InMemoryRateLimiter;
  let transactions: InMemoryTransactionStore;
  let recorder: BufferedInquiryRecorder;
  let cache: InMemoryAnalysisCache;
  let keys: ApiKeys;
  let analyses: GetCreditAnalysisHandler;
  let clock: FixedClock;
  let reader: string;
  let writer: string;
  let revoked: string;

  const policyWith = (reads: CachedAnalysisReads) =>
    new AnalysisReadPolicy(keys, reads, limiter, analyses, clock, audit);
  let policy: AnalysisReadPolicy;

  beforeEach(async () => {
    clock = new FixedClock(NOW);
    audit = new RecordingAuditLog();
    limiter = new InMemoryRateLimiter(LIMIT);
    transactions = new InMemoryTransactionStore();
    recorder = new BufferedInquiryRecorder(transactions);
    cache = new InMemoryAnalysisCache();
    const consumers = new InMemoryConsumerRepository();
    const features = new InMemoryRatingFeaturesRepository();
    const ratings = new InMemoryRatingRepository();
    const bus = new RecordingEventBus();
    const engine = new RatingEngine(
      consumers,
      features,
      ratings,
      transactions,
      new WoeLogisticScorer(),
      clock,
      bus.notifier(cache),
    );
    analyses = new GetCreditAnalysisHandler(
      cache,
      consumers,
      features,
      new CurrentRatings(ratings, engine, clock),
      transactions,
      clock,
      recorder,
      300,
    );
    keys = new ApiKeys(new InMemoryApiKeyRepository(), clock);
    reader = (await keys.create('Banco Horizonte S.A.', ['analysis:read'])).plaintext;
    writer = (await keys.create('Ingestor', ['transactions:write'])).plaintext;
    const gone = await keys.create('Ex-client', ['analysis:read']);
    await keys.revoke(gone.record.id);
    revoked = gone.plaintext;
    await consumers.save(aConsumer());
    await saveRating(ratings, aRating({ score: 705, band: 'B' }));
    policy = policyWith(new LocalCachedAnalysisReads(limiter, cache, audit, recorder));
  });

  const request = (overrides: Partial<AnalysisReadRequest> = {}): AnalysisReadRequest => ({
    credential: { kind: 'api-key', presented: reader },
    purpose: 'CREDIT_GRANTING',
    cpf: VALID_CPF,
    requestId: 'req-1',
    ...overrides,
  });
  const read = async (overrides: Partial<AnalysisReadRequest> = {}, using = policy): Promise<AnalysisReadOutcome> => {
    try {
      return await using.read(request(overrides));
    } finally {
      await recorder.flush();
    }
  };
  /** Every audit entry, journalled (sealed) or recorded directly, as outcome and client. */
  const audited = () => [
    ...audit.sealed.map((e) => [e.outcome, e.clientId]),
    ...audit.recorded.map((e) => [e.outcome, e.clientId]),
  ];
  const inquiries = () => transactions.inquiriesSince(cpf, SINCE_EVER, 10);
  const remaining = async (clientId: string) => (await limiter.hit(clientId)).remaining + 1;
  const keyIdOf = async (plaintext: string) => (await keys.authenticate(plaintext))!.id;

  describe('a read it serves', () => {
    it('assembles a miss from the stores: one audit entry, one inquiry, one request counted', async () => {
      const outcome = await read();
      expect(outcome).toMatchObject({ kind: 'served', cacheHit: false, rate: { allowed: true, remaining: LIMIT - 1 } });
      expect(audited()).toEqual([['SUCCESS', 'Banco Horizonte S.A.']]);
      expect(audit.recorded[0]).toMatchObject({
        purpose: 'CREDIT_GRANTING',
        requestId: 'req-1',
        scope: 'analysis:read',
      });
      expect((await inquiries()).map((i) => [i.inquirer, i.purpose])).toEqual([
        ['Banco Horizonte S.A.', 'CREDIT_GRANTING'],
      ]);
      expect(await remaining(await keyIdOf(reader))).toBe(LIMIT - 1);
    });

    it('serves a hit from the cached step, audit entry and inquiry journalled, the bytes of the miss', async () => {
      const miss = await read();
      clock.advance(1_000);
      const hit = await read({ requestId: 'req-2', purpose: 'CREDIT_REVIEW' });
      expect(hit).toMatchObject({ kind: 'served', cacheHit: true, rate: { remaining: LIMIT - 2 } });
      expect(miss.kind === 'served' && hit.kind === 'served' && Buffer.from(hit.json).toString()).toBe(
        miss.kind === 'served' && miss.json.toString(),
      );
      expect(audit.sealed).toEqual([
        expect.objectContaining({ outcome: 'SUCCESS', requestId: 'req-2', purpose: 'CREDIT_REVIEW' }),
      ]);
      expect(audit.sealed[0].cpfMasked).toBe(cpf.masked);
      expect((await inquiries()).map((i) => i.purpose)).toEqual(['CREDIT_REVIEW', 'CREDIT_GRANTING']);
    });

    it('accepts a purpose with surrounding spaces, as it is stored trimmed', async () => {
      expect(await read({ purpose: '  COLLECTION ' })).toMatchObject({ kind: 'served' });
      expect(audit.recorded[0].purpose).toBe('COLLECTION');
    });

    it('keeps the caller’s inquiry id, so a redelivered request is one inquiry', async () => {
      await read({ inquiryId: 'inq-amqp-1' });
      await read({ inquiryId: 'inq-amqp-1' });
      expect((await inquiries()).map((i) => i.eventId)).toEqual(['inq-amqp-1']);
    });

    it('gives the entry a step journalled before timing out and the stores’ entry one key: the inquiry id', async () => {
      /** A step that wrote its journals and then timed out, as around a Redis failover. */
      class JournalledThenTimedOut extends CachedAnalysisReads {
        async read(step: CachedReadRequest): Promise<CachedReadResult> {
          await audit.recordSealed(step.audit);
          throw new Error('Command timed out');
        }
      }
      const timingOut = policyWith(new JournalledThenTimedOut());
      const outcome = await read({}, timingOut);
      expect(outcome).toMatchObject({ kind: 'served', cacheHit: false });
      const [inquiry] = await inquiries();
      expect(audit.sealed.map((e) => e.idempotencyKey)).toEqual([inquiry!.eventId]);
      expect(audit.recorded.map((e) => e.idempotencyKey)).toEqual([inquiry!.eventId]);
      // The keys of two reads differ, so the log drops nothing but the repeat of one read.
      await read({ requestId: 'req-1' }, timingOut);
      expect(new Set(audit.recorded.map((e) => e.idempotencyKey)).size).toBe(2);
    });

    it('still applies every rule when the cached step cannot be asked, counting the request once', async () => {
      const unreachable = new UnreachableReads();
      const outcome = await read({}, policyWith(unreachable));
      expect(outcome).toMatchObject({ kind: 'served', cacheHit: false, rate: { remaining: LIMIT - 1 } });
      expect(unreachable.calls).toBe(1);
      expect(audited()).toEqual([['SUCCESS', 'Banco Horizonte S.A.']]);
      expect(await inquiries()).toHaveLength(1);
      expect(await read({ purpose: null }, policyWith(unreachable))).toMatchObject({
        kind: 'refused',
        refusal: { status: 400, code: 'PURPOSE_REQUIRED' },
      });
    });
  });

  describe('a read it refuses', () => {
    it.each([
      ['no key', { credential: { kind: 'api-key', presented: null } }, 'send an API key in X-Api-Key'],
      [
        'an unknown key',
        { credential: { kind: 'api-key', presented: 'cak_nope_nope' } },
        'not valid or has been revoked',
      ],
      ['a revoked key', 'revoked', 'not valid or has been revoked'],
    ] as const)('%s: 401, nothing audited, no budget to spend', async (_, overrides, message) => {
      const outcome = await read(
        overrides === 'revoked' ? { credential: { kind: 'api-key', presented: revoked } } : overrides,
      );
      expect(outcome).toEqual({
        kind: 'refused',
        rate: null,
        refusal: { status: 401, code: 'UNAUTHENTICATED', message: expect.stringContaining(message) },
      });
      expect(audited()).toEqual([]);
      expect(await inquiries()).toEqual([]);
    });

    it('a key without analysis:read: 403 SCOPE_MISSING, audited DENIED, its budget untouched', async () => {
      const outcome = await read({ credential: { kind: 'api-key', presented: writer } });
      expect(outcome).toMatchObject({ kind: 'refused', rate: null, refusal: { status: 403, code: 'SCOPE_MISSING' } });
      expect(audited()).toEqual([['DENIED', 'Ingestor']]);
      expect(await remaining(await keyIdOf(writer))).toBe(LIMIT);
    });

    it.each([
      ['missing', null, 'PURPOSE_REQUIRED'],
      ['blank', '   ', 'PURPOSE_REQUIRED'],
      ['not on the list', 'MARKETING', 'PURPOSE_INVALID'],
    ])('a purpose %s: 400 naming X-Purpose, audited DENIED, counted', async (_, purpose, code) => {
      const outcome = await read({ purpose });
      expect(outcome).toMatchObject({
        kind: 'refused',
        rate: { remaining: LIMIT - 1 },
        refusal: { status: 400, code, field: 'X-Purpose' },
      });
      expect(audited()).toEqual([['DENIED', 'Banco Horizonte S.A.']]);
      expect(audit.recorded[0]).toMatchObject({ purpose: null, cpf: cpf });
      expect(await inquiries()).toEqual([]);
    });

    it('a CPF that fails its check digits: 400 naming cpf, audited INVALID, counted', async () => {
      const outcome = await read({ cpf: '12345678900' });
      expect(outcome).toMatchObject({
        kind: 'refused',
        rate: { remaining: LIMIT - 1 },
        refusal: { status: 400, code: 'CPF_INVALID', field: 'cpf' },
      });
      expect(audited()).toEqual([['INVALID', 'Banco Horizonte S.A.']]);
    });

    it('a CPF nobody registered: 404 CONSUMER_NOT_FOUND, audited NOT_FOUND, no inquiry', async () => {
      const outcome = await read({ cpf: UNKNOWN_CPF });
      expect(outcome).toMatchObject({ kind: 'refused', refusal: { status: 404, code: 'CONSUMER_NOT_FOUND' } });
      expect(audited()).toEqual([['NOT_FOUND', 'Banco Horizonte S.A.']]);
    });

    it('over the limit: 429 whatever else is wrong, with the window to wait, and nothing served', async () => {
      for (let i = 0; i < LIMIT; i += 1) await read({ requestId: `fill-${i}` });
      const before = audited().length;
      const over = await read();
      expect(over).toMatchObject({
        kind: 'refused',
        rate: { allowed: false, remaining: 0 },
        refusal: { status: 429, code: 'RATE_LIMITED' },
      });
      expect(audited()).toHaveLength(before);
      expect(await read({ purpose: 'MARKETING' })).toMatchObject({ refusal: { status: 429 } });
      expect(await read({}, policyWith(new UnreachableReads()))).toMatchObject({ refusal: { status: 429 } });
      expect(await inquiries()).toHaveLength(LIMIT);
    });
  });

  describe('a broker user', () => {
    it('is the client: named on the audit entry and the inquiry, charged its own budget', async () => {
      const outcome = await read({ credential: { kind: 'broker-user', user: 'partner-bank' } });
      expect(outcome).toMatchObject({ kind: 'served', rate: { remaining: LIMIT - 1 } });
      expect(audited()).toEqual([['SUCCESS', 'amqp:partner-bank']]);
      expect((await inquiries()).map((i) => i.inquirer)).toEqual(['amqp:partner-bank']);
      expect(await remaining('amqp:partner-bank')).toBe(LIMIT - 1);
    });

    it('without a verified user_id: 401 REQUESTER_UNVERIFIED naming the property, audited DENIED', async () => {
      const outcome = await read({ credential: { kind: 'broker-user', user: null } });
      expect(outcome).toMatchObject({
        kind: 'refused',
        rate: null,
        refusal: { status: 401, code: 'REQUESTER_UNVERIFIED', field: 'properties.user_id' },
      });
      expect(audited()).toEqual([['DENIED', 'amqp:unverified']]);
    });
  });
});
