import { Cpf, FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingAuditLog, RecordingEventBus, VALID_CPF, aConsumer, aDebt, aRatingFeatures, anEvent, anInquiryInput, daysAfter, daysBefore } from '@app/testing';
import { buildScoringFacts } from '../../domain/scoring/scoring-facts';
import { WoeLogisticScorer } from '../../domain/scoring/woe-logistic-scorer';
import { InMemoryRatingFeaturesRepository } from '../../infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingRepository } from '../../infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from '../../infrastructure/embedded/in-memory-transaction.store';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { ConsumerRater } from './consumer-rater.service';

const cpf = Cpf.parse(VALID_CPF);
const metadata = { correlationId: 'corr-r' };

describe('ConsumerRater', () => {
  let consumers: InMemoryConsumerRepository;
  let features: InMemoryRatingFeaturesRepository;
  let ratings: InMemoryRatingRepository;
  let transactions: InMemoryTransactionStore;
  let clock: FixedClock;
  let bus: RecordingEventBus;
  let rater: ConsumerRater;

  beforeEach(() => {
    consumers = new InMemoryConsumerRepository();
    features = new InMemoryRatingFeaturesRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    clock = new FixedClock(NOW);
    bus = new RecordingEventBus();
    rater = new ConsumerRater(consumers, features, ratings, transactions, new WoeLogisticScorer(), clock, bus.asEventBus());
  });

  it('answers NO_DATA for a CPF with neither consumer nor features, storing and announcing nothing', async () => {
    await transactions.append([anEvent(anInquiryInput())]);
    expect(await rater.rate(VALID_CPF, metadata)).toBe('NO_DATA');
    expect(await ratings.latest(cpf)).toBeNull();
    expect(bus.published).toEqual([]);
  });

  it('rates a known consumer, stamping the model version and the clock time', async () => {
    await consumers.save(aConsumer());
    expect(await rater.rate(VALID_CPF, metadata)).toBe('RATED');
    const rating = await ratings.latest(cpf);
    const expected = new WoeLogisticScorer().score(buildScoringFacts(aConsumer(), null, await transactions.summarize(cpf, NOW), NOW));
    expect(rating?.props).toMatchObject({ score: expected.score, band: expected.band, probabilityOfDefault: expected.probabilityOfDefault, modelVersion: 'woe-logistic-v1', generatedAt: NOW });
  });

  it('rates a CPF that has only rating features', async () => {
    await features.save(aRatingFeatures());
    expect(await rater.rate('123.456.789-09', metadata)).toBe('RATED');
    const expected = new WoeLogisticScorer().score(buildScoringFacts(null, aRatingFeatures(), await transactions.summarize(cpf, NOW), NOW));
    expect((await ratings.latest(cpf))?.props.score).toBe(expected.score);
  });

  it('announces a first rating as a RatingChangedEvent with no previous score', async () => {
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, metadata);
    const latest = await ratings.latest(cpf);
    expect(bus.published).toEqual([new RatingChangedEvent(latest!, null, metadata)]);
  });

  it('never announces its own rating as changed consumer data, so re-scoring cannot trigger itself', async () => {
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, metadata);
    expect(bus.ofType(ConsumerDataChangedEvent)).toEqual([]);
  });

  it('answers UNCHANGED on a second run over the same data, keeping one rating and announcing nothing more', async () => {
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, metadata);
    clock.advance(60_000);
    expect(await rater.rate(VALID_CPF, metadata)).toBe('UNCHANGED');
    expect(await ratings.history(cpf, 10)).toHaveLength(1);
    expect(bus.published).toHaveLength(1);
  });

  it('rates again when the data changes the outcome', async () => {
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, metadata);
    await consumers.save(aConsumer({ debts: [aDebt({ status: 'OVERDUE', dueDate: daysBefore(NOW, 40) })] }));
    expect(await rater.rate(VALID_CPF, metadata)).toBe('RATED');
    const [worse, first] = (await ratings.history(cpf, 10)).map((r) => r.props.score);
    expect(worse).toBeLessThan(first);
    const [, second] = bus.ofType(RatingChangedEvent);
    expect(second.previousScore).toBe(first);
    expect(second.rating.props.score).toBe(worse);
  });

  it('counts recorded inquiries against the score', async () => {
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, metadata);
    const before = (await ratings.latest(cpf))!.props.score;
    await transactions.append([1, 2, 3, 4].map((n) => anEvent(anInquiryInput({ eventId: `i${n}` }))));
    expect(await rater.rate(VALID_CPF, metadata)).toBe('RATED');
    expect((await ratings.latest(cpf))!.props.score).toBeLessThan(before);
  });

  describe('with the features a regeneration page read (snapshot)', () => {
    /** Counts look-ups on the real in-memory adapter. */
    const countLookups = () => {
      const counted = { lookups: 0 };
      const find = features.findByCpf.bind(features);
      features.findByCpf = async (c: Cpf) => {
        counted.lookups += 1;
        return find(c);
      };
      return counted;
    };

    it('does not look the features up when the rating comes out unchanged', async () => {
      await features.save(aRatingFeatures());
      await rater.rate(VALID_CPF, metadata);
      const counted = countLookups();
      clock.advance(60_000);
      expect(await rater.rate(VALID_CPF, metadata, aRatingFeatures())).toBe('UNCHANGED');
      expect(counted.lookups).toBe(0);
    });

    it('confirms the snapshot with one look-up before writing a changed rating from it', async () => {
      const snapshot = aRatingFeatures();
      await features.save(snapshot);
      const counted = countLookups();
      expect(await rater.rate(VALID_CPF, metadata, snapshot)).toBe('RATED');
      expect(counted.lookups).toBe(1);
      const expected = new WoeLogisticScorer().score(buildScoringFacts(null, snapshot, await transactions.summarize(cpf, NOW), NOW));
      expect((await ratings.latest(cpf))?.props.score).toBe(expected.score);
    });

    it('rates from the current features when they changed after the page was read', async () => {
      const stale = aRatingFeatures();
      const current = aRatingFeatures({ incomeSources: [], assets: [], updatedAt: daysAfter(NOW, 1) });
      await features.save(current);
      expect(await rater.rate(VALID_CPF, metadata, stale)).toBe('RATED');
      const summary = await transactions.summarize(cpf, NOW);
      const fromCurrent = new WoeLogisticScorer().score(buildScoringFacts(null, current, summary, NOW));
      expect(new WoeLogisticScorer().score(buildScoringFacts(null, stale, summary, NOW)).score).not.toBe(fromCurrent.score);
      expect((await ratings.latest(cpf))?.props.score).toBe(fromCurrent.score);
    });

    it('writes nothing when the snapshot is stale and the current features give the stored rating', async () => {
      const current = aRatingFeatures();
      await features.save(current);
      await rater.rate(VALID_CPF, metadata);
      const stale = aRatingFeatures({ incomeSources: [], assets: [], updatedAt: daysBefore(NOW, 1) });
      expect(await rater.rate(VALID_CPF, metadata, stale)).toBe('UNCHANGED');
      expect(await ratings.history(cpf, 10)).toHaveLength(1);
    });

    it('refuses a snapshot of another CPF', async () => {
      await expect(rater.rate(VALID_CPF, metadata, aRatingFeatures({ cpf: '52998224725' }))).rejects.toThrow(/another CPF/);
    });
  });

  it('rejects an invalid CPF with CPF_INVALID', async () => {
    await expect(rater.rate('123.456.789-00', metadata)).rejects.toMatchObject({ code: 'CPF_INVALID' });
  });
});

describe('ConsumerRater audit', () => {
  it('audits every rating it writes (B data) and nothing when the rating is unchanged', async () => {
    const consumers = new InMemoryConsumerRepository();
    const audit = new RecordingAuditLog();
    const rater = new ConsumerRater(consumers, new InMemoryRatingFeaturesRepository(), new InMemoryRatingRepository(), new InMemoryTransactionStore(), new WoeLogisticScorer(), new FixedClock(NOW), new RecordingEventBus().asEventBus(), audit);
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, { correlationId: 'req-1', clientId: 'rating-worker' });
    await rater.rate(VALID_CPF, { correlationId: 'req-2', clientId: 'rating-worker' });
    expect(audit.recorded).toEqual([
      expect.objectContaining({ clientId: 'rating-worker', action: 'WRITE', resource: 'RATING', outcome: 'SUCCESS', requestId: 'req-1', purpose: null }),
    ]);
    expect(audit.recorded[0].cpf?.value).toBe(VALID_CPF.replace(/\D/g, ''));
  });
});
