import { Cpf, FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingEventBus, TODAY, VALID_CPF, aConsumer, aDebt, aRating, cpfFromBase, daysAgo } from '@app/testing';
import { CreditAnalysis } from '../../domain/analysis/credit-analysis';
import { InMemoryAnalysisCache } from '../../infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from '../../infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingRepository } from '../../infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from '../../infrastructure/embedded/in-memory-transaction.store';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { GetCreditAnalysisHandler } from './get-credit-analysis.handler';
import { BufferedInquiryRecorder } from './buffered-inquiry-recorder';
import { analysisInquiry } from '../ports/inquiry-recorder';
import { GetCreditAnalysisQuery } from './get-credit-analysis.query';

const cpf = Cpf.parse(VALID_CPF);
const UNKNOWN_CPF = cpfFromBase(987_654_321);
const SINCE_EVER = new Date(0);

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

  beforeEach(async () => {
    cache = new InMemoryAnalysisCache();
    consumers = new InMemoryConsumerRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    clock = new FixedClock(NOW);
    recorder = new BufferedInquiryRecorder(transactions);
    handler = new GetCreditAnalysisHandler(cache, consumers, new InMemoryRatingFeaturesRepository(), ratings, transactions, clock, recorder, 300);
    await consumers.save(
      aConsumer({
        debts: [
          aDebt({ id: 'recent', dueDate: daysAgo(40) }),
          aDebt({ id: 'ancient', dueDate: TODAY.plusYears(-6) }),
        ],
      }),
    );
  });

  /** Asks, then waits for the inquiry to be written, as the recorder does within 50 ms in the app. */
  const ask = async (inquirer = 'Banco Horizonte S.A.', purpose = 'CREDIT_GRANTING', who = VALID_CPF) => {
    try {
      return await handler.execute(new GetCreditAnalysisQuery(who, inquirer, purpose));
    } finally {
      await recorder.flush();
    }
  };

  it('assembles the analysis from the stores on a miss', async () => {
    await ratings.save(aRating({ score: 705, band: 'B' }));
    const result = await ask();
    expect(result.cacheHit).toBe(false);
    const analysis = JSON.parse(result.json) as CreditAnalysis;
    expect(analysis).toMatchObject({ cpf: '123.456.789-09', name: 'Maria da Silva Santos', generatedAt: NOW.toISOString(), profile: null });
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
    await handler.execute(new GetCreditAnalysisQuery(VALID_CPF, 'Banco Horizonte S.A.', 'CREDIT_GRANTING', { inquiryId }));
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
    await expect(ask('Banco', 'CREDIT_GRANTING', '123.456.789-00')).rejects.toMatchObject({ code: 'CPF_INVALID', field: 'cpf' });
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
    const racingHandler = new GetCreditAnalysisHandler(cache, racing, new InMemoryRatingFeaturesRepository(), ratings, transactions, clock, recorder, 300);
    const changes = new RecordingEventBus().notifier(cache);
    racing.afterNextRead = async () => {
      await racing.save(aConsumer({ name: 'Maria Santos Oliveira' }));
      await changes.notify(new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', { correlationId: 'c' }));
    };
    const ask = () => racingHandler.execute(new GetCreditAnalysisQuery(VALID_CPF, 'Banco Horizonte S.A.', 'CREDIT_GRANTING'));

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
    await ratings.save(rating);
    await new RecordingEventBus().notifier(cache).notify(new RatingChangedEvent(rating, null, { correlationId: 'c' }));
    const after = await ask();
    expect(after.cacheHit).toBe(false);
    expect((JSON.parse(after.json) as CreditAnalysis).rating?.score).toBe(777);
  });

  it('stays a hit when another CPF changes', async () => {
    await ask();
    await new RecordingEventBus().notifier(cache).notify(new ConsumerDataChangedEvent([UNKNOWN_CPF], 'CONSUMER', { correlationId: 'c' }));
    expect((await ask()).cacheHit).toBe(true);
  });

  it('misses once the TTL it was built with has passed', async () => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      const shortLived = new GetCreditAnalysisHandler(cache, consumers, new InMemoryRatingFeaturesRepository(), ratings, transactions, clock, recorder, 5);
      await shortLived.execute(new GetCreditAnalysisQuery(VALID_CPF, 'B', 'P'));
      jest.setSystemTime(NOW.getTime() + 4_999);
      expect((await shortLived.execute(new GetCreditAnalysisQuery(VALID_CPF, 'B', 'P'))).cacheHit).toBe(true);
      jest.setSystemTime(NOW.getTime() + 5_000);
      expect((await shortLived.execute(new GetCreditAnalysisQuery(VALID_CPF, 'B', 'P'))).cacheHit).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
