import { Cpf, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingEventBus,
  TODAY,
  VALID_CPF,
  aConsumer,
  aDay,
  aDebt,
  aRating,
  cpfFromBase,
  daysAgo,
  saveRating,
} from '@app/testing';
import { buildScoringFacts, scoringActivityOf, CreditAnalysis, WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { GetCreditAnalysisHandler } from './get-credit-analysis.handler';
import { BufferedInquiryRecorder } from './buffered-inquiry-recorder';
import { analysisInquiry } from '../ports/inquiry-recorder';
import { GetCreditAnalysisQuery } from './get-credit-analysis.query';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { CurrentRatings } from '../current-rating/current-ratings.service';

const cpf = Cpf.parse(VALID_CPF);
const UNKNOWN_CPF = cpfFromBase(987_654_321);
const SINCE_EVER = new Date(0);
const metadata = { correlationId: 'c-rate' };

/** A consumer store where a change lands (and is announced) right after a read has returned the old data. */
class ChangedWhileReadRepository extends InMemoryConsumerRepository {
  afterNextRead?: () => Promise<void>;

  override async findByCpf(wanted: Cpf) {
    const found = await super.findByCpf(wanted);
    const change = this.afterNextRead;
    this.afterNextRead = undefined;
    await change?.();
    return found;
  }
}

describe('GetCreditAnalysisHandler', () => {
  let cache: InMemoryAnalysisCache;
  let consumers: InMemoryConsumerRepository;
  let ratings: InMemoryRatingRepository;
  let transactions: InMemoryTransactionStore;
  let clock: FixedClock;
  let handler: GetCreditAnalysisHandler;
  let recorder: BufferedInquiryRecorder;
  let features: InMemoryRatingFeaturesRepository;
  let bus: RecordingEventBus;
  /** The rating port as the handler reads it: the stored rating, re-rated through the real rater when it expired. */
  const current = (repo: InMemoryConsumerRepository = consumers) =>
    new CurrentRatings(
      ratings,
      new RatingEngine(repo, features, ratings, transactions, new WoeLogisticScorer(), clock, bus.notifier(cache)),
      clock,
    );

  beforeEach(async () => {
    cache = new InMemoryAnalysisCache();
    consumers = new InMemoryConsumerRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    clock = new FixedClock(NOW);
    recorder = new BufferedInquiryRecorder(transactions);
    features = new InMemoryRatingFeaturesRepository();
    bus = new RecordingEventBus();
    handler = new GetCreditAnalysisHandler(cache, consumers, features, current(), transactions, clock, recorder, 300);
    await consumers.save(
      aConsumer({
        debts: [aDebt({ id: 'recent', dueDate: daysAgo(40) }), aDebt({ id: 'ancient', dueDate: TODAY.plusYears(-6) })],
      }),
    );
  });

  /** Asks, then waits for the inquiry to be written, as the recorder does within one flush in the app. */
  const ask = async (inquirer = 'Banco Horizonte S.A.', purpose = 'CREDIT_GRANTING', who = VALID_CPF) => {
    try {
      return await handler.execute(new GetCreditAnalysisQuery(who, inquirer, purpose));
    } finally {
      await recorder.flush();
    }
  };

  it('assembles the analysis from the stores on a miss', async () => {
    await saveRating(ratings, aRating({ score: 705, band: 'B' }));
    const result = await ask();
    expect(result.cacheHit).toBe(false);
    const analysis = JSON.parse(result.json) as CreditAnalysis;
    expect(analysis).toMatchObject({
      cpf: '123.456.789-09',
      name: 'Maria da Silva Santos',
      generatedAt: NOW.toISOString(),
      profile: null,
    });
    expect(analysis.rating).toMatchObject({ score: 705, band: 'B' });
    expect(analysis.debts.items.map((d) => d.id)).toEqual(['recent']);
  });

  it('serves the second request from cache, byte for byte the same', async () => {
    const first = await ask();
    clock.advance(30_000);
    const second = await ask('Outro Banco');
    expect(second).toEqual({ json: first.json, cacheHit: true });
  });

  it('records every request, hit or miss, as a BUREAU_INQUIRY naming inquirer and purpose', async () => {
    await ask('Banco Horizonte S.A.', 'CREDIT_GRANTING');
    clock.advance(1_000);
    await ask('Imobiliária Lar', 'RENTAL_GUARANTEE');
    const inquiries = await transactions.inquiriesSince(cpf, SINCE_EVER, 10);
    expect(inquiries.map((i) => [i.type, i.inquirer, i.purpose, i.occurredAt.toISOString()])).toEqual([
      ['BUREAU_INQUIRY', 'Imobiliária Lar', 'RENTAL_GUARANTEE', '2025-06-15T12:00:01.000Z'],
      ['BUREAU_INQUIRY', 'Banco Horizonte S.A.', 'CREDIT_GRANTING', '2025-06-15T12:00:00.000Z'],
    ]);
    expect(new Set(inquiries.map((i) => i.eventId)).size).toBe(2);
  });

  it('records the inquiry under the id the caller already journalled it with, so a second record of one request is stored once', async () => {
    const inquiryId = 'inq-fast-path-attempt';
    // What the fast path's cached step journalled before its answer timed out, relayed into C.
    await transactions.append([analysisInquiry(cpf, 'Banco Horizonte S.A.', 'CREDIT_GRANTING', NOW, inquiryId)]);
    clock.advance(600);
    await handler.execute(
      new GetCreditAnalysisQuery(VALID_CPF, 'Banco Horizonte S.A.', 'CREDIT_GRANTING', { inquiryId }),
    );
    await recorder.flush();
    const inquiries = await transactions.inquiriesSince(cpf, SINCE_EVER, 10);
    expect(inquiries.map((i) => [i.eventId, i.occurredAt.toISOString()])).toEqual([[inquiryId, NOW.toISOString()]]);
    await ask();
    expect(await transactions.inquiriesSince(cpf, SINCE_EVER, 10)).toHaveLength(2);
  });

  it('answers CONSUMER_NOT_FOUND for an unknown CPF, before recording any inquiry or caching anything', async () => {
    await expect(ask('Banco', 'CREDIT_GRANTING', UNKNOWN_CPF)).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });
    expect(await transactions.inquiriesSince(Cpf.parse(UNKNOWN_CPF), SINCE_EVER, 10)).toEqual([]);
    expect(transactions.size()).toBe(0);
    expect(await cache.get(Cpf.parse(UNKNOWN_CPF))).toBeNull();
  });

  it('rejects an invalid CPF with CPF_INVALID and records nothing', async () => {
    await expect(ask('Banco', 'CREDIT_GRANTING', '123.456.789-00')).rejects.toMatchObject({
      code: 'CPF_INVALID',
      field: 'cpf',
    });
    expect(transactions.size()).toBe(0);
  });

  it('misses again once a change of that CPF is notified, and the fresh analysis shows the inquiries since', async () => {
    const changes = new RecordingEventBus().notifier(cache);
    const first = await ask();
    await ask();
    await changes.notify(new ConsumerDataChangedEvent([VALID_CPF], 'TRANSACTIONS', { correlationId: 'c' }));
    const third = await ask();
    expect(third.cacheHit).toBe(false);
    expect((JSON.parse(first.json) as CreditAnalysis).transactions.inquiriesLast6Months).toBe(0);
    expect((JSON.parse(third.json) as CreditAnalysis).transactions.inquiriesLast6Months).toBe(2);
    expect((await ask()).cacheHit).toBe(true);
  });

  it('does not cache what it read when the CPF changed and was invalidated while the analysis was being assembled', async () => {
    const racing = new ChangedWhileReadRepository();
    await racing.save(aConsumer());
    const racingHandler = new GetCreditAnalysisHandler(
      cache,
      racing,
      features,
      current(racing),
      transactions,
      clock,
      recorder,
      300,
    );
    const changes = new RecordingEventBus().notifier(cache);
    racing.afterNextRead = async () => {
      await racing.save(aConsumer({ name: 'Maria Santos Oliveira' }));
      await changes.notify(new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', { correlationId: 'c' }));
    };
    const ask = () =>
      racingHandler.execute(new GetCreditAnalysisQuery(VALID_CPF, 'Banco Horizonte S.A.', 'CREDIT_GRANTING'));

    const raced = await ask();
    expect(raced.cacheHit).toBe(false);
    expect((JSON.parse(raced.json) as CreditAnalysis).name).toBe('Maria da Silva Santos');
    expect(await cache.get(cpf)).toBeNull();

    const fresh = await ask();
    expect(fresh.cacheHit).toBe(false);
    expect((JSON.parse(fresh.json) as CreditAnalysis).name).toBe('Maria Santos Oliveira');
    expect(await ask()).toEqual({ json: fresh.json, cacheHit: true });
    await recorder.flush();
  });

  it('misses again once a new rating of that CPF is notified, and shows the new rating', async () => {
    await ask();
    const rating = aRating({ score: 777, band: 'B' });
    await saveRating(ratings, rating);
    await new RecordingEventBus().notifier(cache).notify(new RatingChangedEvent(rating, null, { correlationId: 'c' }));
    const after = await ask();
    expect(after.cacheHit).toBe(false);
    expect((JSON.parse(after.json) as CreditAnalysis).rating?.score).toBe(777);
  });

  it('stays a hit when another CPF changes', async () => {
    await ask();
    await new RecordingEventBus()
      .notifier(cache)
      .notify(new ConsumerDataChangedEvent([UNKNOWN_CPF], 'CONSUMER', { correlationId: 'c' }));
    expect((await ask()).cacheHit).toBe(true);
  });

  it('misses once the TTL it was built with has passed', async () => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      const shortLived = new GetCreditAnalysisHandler(
        cache,
        consumers,
        features,
        current(),
        transactions,
        clock,
        recorder,
        5,
      );
      await shortLived.execute(new GetCreditAnalysisQuery(VALID_CPF, 'B', 'P'));
      jest.setSystemTime(NOW.getTime() + 4_999);
      expect((await shortLived.execute(new GetCreditAnalysisQuery(VALID_CPF, 'B', 'P'))).cacheHit).toBe(true);
      jest.setSystemTime(NOW.getTime() + 5_000);
      expect((await shortLived.execute(new GetCreditAnalysisQuery(VALID_CPF, 'B', 'P'))).cacheHit).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it(
    "records the subject's own reads as inquiries they can see, without lowering their score (Lei 12.414 art. 5" +
      ' II)',
    async () => {
      const rater = new RatingEngine(
        consumers,
        features,
        ratings,
        transactions,
        new WoeLogisticScorer(),
        clock,
        bus.notifier(cache),
      );
      await rater.rate(VALID_CPF, metadata);
      const before = (await ratings.latest(cpf))!.props.score;
      for (let i = 0; i < 4; i++) {
        clock.advance(60_000);
        await ask('Maria da Silva Santos', 'DATA_SUBJECT_REQUEST');
      }
      expect((await transactions.inquiriesSince(cpf, SINCE_EVER, 10)).map((i) => i.purpose)).toEqual(
        Array(4).fill('DATA_SUBJECT_REQUEST'),
      );
      expect((await transactions.summarize(cpf, clock.now())).inquiriesLast6Months).toBe(0);
      expect(await rater.rate(VALID_CPF, metadata)).toBe('UNCHANGED');
      expect((await ratings.latest(cpf))!.props.score).toBe(before);
      // The same four reads for a credit decision do count: the rule separates purposes, it does not drop inquiries.
      for (let i = 0; i < 4; i++) await ask('Banco Horizonte S.A.', 'CREDIT_GRANTING');
      expect(await rater.rate(VALID_CPF, metadata)).toBe('RATED');
      expect((await ratings.latest(cpf))!.props.score).toBeLessThan(before);
    },
  );

  describe('when the calendar retires a negative record its rating used (CDC art. 43 §1)', () => {
    /** The case: rated on 8 March 2030 with a debt due 10 March 2025, read again on 11 March 2030. */
    const setUp = async () => {
      const clock = new FixedClock(new Date('2030-03-08T15:00:00Z'));
      const consumers = new InMemoryConsumerRepository();
      const ratings = new InMemoryRatingRepository();
      const transactions = new InMemoryTransactionStore();
      const features = new InMemoryRatingFeaturesRepository();
      const cache = new InMemoryAnalysisCache();
      const bus = new RecordingEventBus();
      await consumers.save(
        aConsumer({
          debts: [aDebt({ id: 'old', status: 'OVERDUE', amountCents: 950_000, dueDate: aDay('2025-03-10') })],
        }),
      );
      const rater = new RatingEngine(
        consumers,
        features,
        ratings,
        transactions,
        new WoeLogisticScorer(),
        clock,
        bus.notifier(cache),
      );
      await rater.rate(VALID_CPF, { correlationId: 'rated-on-8-march' });
      const recorder = new BufferedInquiryRecorder(transactions);
      const handler = new GetCreditAnalysisHandler(
        cache,
        consumers,
        features,
        new CurrentRatings(ratings, rater, clock),
        transactions,
        clock,
        recorder,
        300,
      );
      const read = async () => {
        const result = await handler.execute(
          new GetCreditAnalysisQuery(VALID_CPF, 'Banco Horizonte S.A.', 'CREDIT_GRANTING'),
        );
        return { cacheHit: result.cacheHit, analysis: JSON.parse(result.json) as CreditAnalysis };
      };
      return { clock, consumers, ratings, transactions, bus, read, stale: (await ratings.latest(cpf))! };
    };

    it('stores with the rating the instant it stops being valid: 00:00 BRT on 11 March 2030', async () => {
      const { stale } = await setUp();
      expect(stale.props.validUntil?.toISOString()).toBe('2030-03-11T03:00:00.000Z');
      expect(stale.props.reasonCodes.map((r) => r.code)).toContain('DAYS_OVERDUE');
    });

    it('serves the stored rating until 23:59 BRT on 10 March, while the debt may still be reported', async () => {
      const { clock, read, stale } = await setUp();
      clock.advance(new Date('2030-03-11T02:59:00Z').getTime() - clock.now().getTime());
      const { analysis } = await read();
      expect(analysis.debts.items.map((d) => d.id)).toEqual(['old']);
      expect(analysis.rating).toMatchObject({ score: stale.props.score, generatedAt: '2030-03-08T15:00:00.000Z' });
    });

    it(
      're-rates on 11 March instead of serving a score that rests on the expired debt, and stores and announces' +
        ' it',
      async () => {
        const { clock, consumers, ratings, transactions, bus, read, stale } = await setUp();
        clock.advance(new Date('2030-03-11T12:00:00Z').getTime() - clock.now().getTime());
        const { analysis } = await read();
        expect(analysis.debts.items).toEqual([]);
        const now = clock.now();
        const expected = new WoeLogisticScorer().score(
          buildScoringFacts(
            await consumers.findByCpf(cpf),
            null,
            scoringActivityOf(await transactions.summarize(cpf, now)),
            now,
          ),
        );
        expect(analysis.rating).toMatchObject({
          score: expected.score,
          band: expected.band,
          generatedAt: now.toISOString(),
        });
        expect(analysis.rating?.score).not.toBe(stale.props.score);
        expect(analysis.rating?.reasonCodes.map((r) => r.code)).not.toContain('DAYS_OVERDUE');
        expect((await ratings.latest(cpf))?.props).toMatchObject({ score: expected.score, validUntil: null });
        expect(bus.ofType(RatingChangedEvent).map((e) => e.previousScore)).toEqual([null, stale.props.score]);
      },
    );

    it(
      'caches the analysis of 10 March no later than 00:00 BRT of 11 March, though its TTL is five' + ' minutes',
      async () => {
        const { clock, read, stale } = await setUp();
        clock.advance(new Date('2030-03-11T02:58:00Z').getTime() - clock.now().getTime());
        jest.useFakeTimers({ now: clock.now(), doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
        try {
          expect((await read()).cacheHit).toBe(false);
          jest.setSystemTime(new Date('2030-03-11T02:59:59Z'));
          clock.advance(119_000);
          expect(await read()).toMatchObject({ cacheHit: true, analysis: { rating: { score: stale.props.score } } });
          jest.setSystemTime(new Date('2030-03-11T03:00:00Z'));
          clock.advance(1_000);
          const after = await read();
          expect(after.cacheHit).toBe(false);
          expect(after.analysis.debts.items).toEqual([]);
          expect(after.analysis.rating?.score).not.toBe(stale.props.score);
        } finally {
          jest.useRealTimers();
        }
      },
    );
  });
});
