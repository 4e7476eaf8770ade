import { Logger } from '@nestjs/common';
import { Cpf, FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingAuditLog, RecordingEventBus, VALID_CPF, aConsumer, aDebt, aMovementInput, aRatingFeatures, anEvent, anInquiryInput, daysAfter, daysAgo, daysBefore } from '@app/testing';
import { buildScoringFacts } from '../../domain/scoring/scoring-facts';
import { WoeLogisticScorer } from '../../domain/scoring/woe-logistic-scorer';
import { InMemoryAnalysisCache } from '../../infrastructure/embedded/in-memory-analysis.cache';
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
  let cache: InMemoryAnalysisCache;
  let rater: ConsumerRater;

  beforeEach(() => {
    consumers = new InMemoryConsumerRepository();
    features = new InMemoryRatingFeaturesRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    clock = new FixedClock(NOW);
    bus = new RecordingEventBus();
    cache = new InMemoryAnalysisCache();
    rater = new ConsumerRater(consumers, features, ratings, transactions, new WoeLogisticScorer(), clock, bus.notifier(cache));
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
    await consumers.save(aConsumer({ debts: [aDebt({ status: 'OVERDUE', dueDate: daysAgo(40) })] }));
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

  describe('a window of CPFs (rateMany)', () => {
    const other = '52998224725';
    const withEvents = async () => {
      await consumers.save(aConsumer());
      await features.save(aRatingFeatures({ cpf: other }));
      await transactions.append([anEvent(anInquiryInput({ cpf: VALID_CPF })), anEvent(aMovementInput({ cpf: other, kind: 'BILL_PAYMENT', amountCents: -90_000 }))]);
    };
    const scoreOf = async (value: string) => (await ratings.latest(Cpf.parse(value)))?.props.score;

    it('reads the summaries once for the window and rates each CPF as rate() would', async () => {
      await withEvents();
      // The in-memory summarizeMany summarises CPF by CPF itself: only calls from outside it count as single reads.
      const many = { calls: 0, inside: false };
      const summarizeMany = transactions.summarizeMany.bind(transactions);
      transactions.summarizeMany = async (cpfs, now) => {
        many.calls += 1;
        many.inside = true;
        return summarizeMany(cpfs, now).finally(() => (many.inside = false));
      };
      const single = { calls: 0 };
      const summarize = transactions.summarize.bind(transactions);
      transactions.summarize = async (c, now) => {
        if (!many.inside) single.calls += 1;
        return summarize(c, now);
      };
      const outcomes = await rater.rateMany([{ cpf: VALID_CPF }, { cpf: other, features: aRatingFeatures({ cpf: other }) }, { cpf: '11144477735' }], metadata);
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason))).toEqual(['RATED', 'RATED', 'NO_DATA']);
      expect([many.calls, single.calls]).toEqual([1, 0]);
      const expected = (consumer: ReturnType<typeof aConsumer> | null, f: ReturnType<typeof aRatingFeatures> | null, value: string) =>
        summarize(Cpf.parse(value), NOW).then((summary) => new WoeLogisticScorer().score(buildScoringFacts(consumer, f, summary, NOW)).score);
      expect(await scoreOf(VALID_CPF)).toBe(await expected(aConsumer(), null, VALID_CPF));
      expect(await scoreOf(other)).toBe(await expected(null, aRatingFeatures({ cpf: other }), other));
    });

    it('fails only the CPF that fails, and reads each summary on its own when the window read fails', async () => {
      await withEvents();
      transactions.summarizeMany = async () => {
        throw new Error('store away for a moment');
      };
      const single: string[] = [];
      const summarize = transactions.summarize.bind(transactions);
      transactions.summarize = async (c, now) => {
        single.push(c.value);
        return summarize(c, now);
      };
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      let warnings: unknown[] = [];
      const outcomes = await rater.rateMany([{ cpf: '123.456.789-00' }, { cpf: VALID_CPF }, { cpf: other }], metadata).finally(() => {
        warnings = warn.mock.calls.map(([message]) => message);
        warn.mockRestore();
      });
      // Operators learn why the window went slow: once, with the store's reason.
      expect(warnings).toEqual([expect.stringMatching(/3 CPFs at once failed.*store away for a moment/)]);
      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'CPF_INVALID' } });
      expect(outcomes.slice(1).map((o) => o.status === 'fulfilled' && o.value)).toEqual(['RATED', 'RATED']);
      expect(single.sort()).toEqual([VALID_CPF, other].sort());
      expect(await scoreOf(other)).toBe(new WoeLogisticScorer().score(buildScoringFacts(null, aRatingFeatures({ cpf: other }), await transactions.summarize(Cpf.parse(other), NOW), NOW)).score);
    });
  });
});

describe('ConsumerRater audit', () => {
  it('audits every rating it writes (B data) and nothing when the rating is unchanged', async () => {
    const consumers = new InMemoryConsumerRepository();
    const audit = new RecordingAuditLog();
    const rater = new ConsumerRater(consumers, new InMemoryRatingFeaturesRepository(), new InMemoryRatingRepository(), new InMemoryTransactionStore(), new WoeLogisticScorer(), new FixedClock(NOW), new RecordingEventBus().notifier(new InMemoryAnalysisCache()), audit);
    await consumers.save(aConsumer());
    await rater.rate(VALID_CPF, { correlationId: 'req-1', clientId: 'rating-worker' });
    await rater.rate(VALID_CPF, { correlationId: 'req-2', clientId: 'rating-worker' });
    expect(audit.recorded).toEqual([
      expect.objectContaining({ clientId: 'rating-worker', action: 'WRITE', resource: 'RATING', outcome: 'SUCCESS', requestId: 'req-1', purpose: null }),
    ]);
    expect(audit.recorded[0].cpf?.value).toBe(VALID_CPF.replace(/\D/g, ''));
  });
});
