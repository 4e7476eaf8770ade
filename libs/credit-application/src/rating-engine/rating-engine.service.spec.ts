import { Cpf, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingAuditLog,
  RecordingEventBus,
  VALID_CPF,
  aConsumer,
  aDebt,
  aRatingFeatures,
  anEvent,
  anInquiryInput,
  aRating,
  daysAfter,
  daysAgo,
  distinctCpfs,
  saveRating,
} from '@app/testing';
import {
  DebtRecord,
  partitionKeysOf,
  buildScoringFacts,
  scoringActivityOf,
  WoeLogisticScorer,
} from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { RATING_WINDOW, RatingEngine } from './rating-engine.service';

const cpf = Cpf.parse(VALID_CPF);
const metadata = { correlationId: 'corr-r' };

describe('RatingEngine', () => {
  let consumers: InMemoryConsumerRepository;
  let features: InMemoryRatingFeaturesRepository;
  let ratings: InMemoryRatingRepository;
  let transactions: InMemoryTransactionStore;
  let clock: FixedClock;
  let bus: RecordingEventBus;
  let cache: InMemoryAnalysisCache;
  let audit: RecordingAuditLog;
  let engine: RatingEngine;

  beforeEach(() => {
    consumers = new InMemoryConsumerRepository();
    features = new InMemoryRatingFeaturesRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    clock = new FixedClock(NOW);
    bus = new RecordingEventBus();
    cache = new InMemoryAnalysisCache();
    audit = new RecordingAuditLog();
    engine = new RatingEngine(
      consumers,
      features,
      ratings,
      transactions,
      new WoeLogisticScorer(),
      clock,
      bus.notifier(cache),
      audit,
    );
  });

  const scoreOf = async (value: string) => (await ratings.latest(Cpf.parse(value)))?.props.score;
  const expectedScore = async (value: string, debts: DebtRecord | null, f: ReturnType<typeof aRatingFeatures> | null) =>
    new WoeLogisticScorer().score(
      buildScoringFacts(debts, f, scoringActivityOf(await transactions.summarize(Cpf.parse(value), NOW)), NOW),
    ).score;

  describe('one CPF', () => {
    it('answers NO_DATA for a CPF with neither consumer nor features, storing and announcing nothing', async () => {
      await transactions.append([anEvent(anInquiryInput())]);
      expect(await engine.rate(VALID_CPF, metadata)).toBe('NO_DATA');
      expect(await ratings.latest(cpf)).toBeNull();
      expect(bus.published).toEqual([]);
    });

    it('rates a known consumer from its debts, stamping the model version and the clock time', async () => {
      await consumers.save(aConsumer());
      expect(await engine.rate(VALID_CPF, metadata)).toBe('RATED');
      expect((await ratings.latest(cpf))?.props).toMatchObject({
        score: await expectedScore(VALID_CPF, new DebtRecord(aConsumer().debts), null),
        modelVersion: 'woe-logistic-v1',
        generatedAt: NOW,
      });
    });

    it('rates a CPF that has only rating features', async () => {
      await features.save(aRatingFeatures());
      expect(await engine.rate('123.456.789-09', metadata)).toBe('RATED');
      expect(await scoreOf(VALID_CPF)).toBe(await expectedScore(VALID_CPF, null, aRatingFeatures()));
    });

    it('announces a first rating with no previous score, evicts the cached analysis, and never as changed consumer data', async () => {
      await consumers.save(aConsumer());
      await cache.set(cpf, '{"cached":true}', 60);
      await engine.rate(VALID_CPF, metadata);
      expect(bus.published).toEqual([new RatingChangedEvent((await ratings.latest(cpf))!, null, metadata)]);
      expect(bus.ofType(ConsumerDataChangedEvent)).toEqual([]);
      expect(await cache.get(cpf)).toBeNull();
    });

    it('answers UNCHANGED on a second run over the same data, keeping one rating and announcing nothing more', async () => {
      await consumers.save(aConsumer());
      await engine.rate(VALID_CPF, metadata);
      clock.advance(60_000);
      expect(await engine.rate(VALID_CPF, metadata)).toBe('UNCHANGED');
      expect(await ratings.history(cpf, 10)).toHaveLength(1);
      expect(bus.published).toHaveLength(1);
    });

    it('rates again when the data changes the outcome, announcing the score before it', async () => {
      await consumers.save(aConsumer());
      await engine.rate(VALID_CPF, metadata);
      await consumers.save(aConsumer({ debts: [aDebt({ status: 'OVERDUE', dueDate: daysAgo(40) })] }));
      expect(await engine.rate(VALID_CPF, metadata)).toBe('RATED');
      const [worse, first] = (await ratings.history(cpf, 10)).map((r) => r.props.score);
      expect(worse).toBeLessThan(first!);
      const [, second] = bus.ofType(RatingChangedEvent);
      expect([second?.previousScore, second?.rating.props.score]).toEqual([first, worse]);
    });

    it('counts recorded inquiries against the score', async () => {
      await consumers.save(aConsumer());
      await engine.rate(VALID_CPF, metadata);
      const before = (await ratings.latest(cpf))!.props.score;
      await transactions.append([1, 2, 3, 4].map((n) => anEvent(anInquiryInput({ eventId: `i${n}` }))));
      expect(await engine.rate(VALID_CPF, metadata)).toBe('RATED');
      expect((await ratings.latest(cpf))!.props.score).toBeLessThan(before);
    });

    it('rejects an invalid CPF with CPF_INVALID', async () => {
      await expect(engine.rate('123.456.789-00', metadata)).rejects.toMatchObject({ code: 'CPF_INVALID' });
    });

    it('audits every rating it writes (B data), before storing it, and nothing when the rating is unchanged', async () => {
      await consumers.save(aConsumer());
      const append = ratings.append.bind(ratings);
      let auditedBeforeStore = false;
      ratings.append = async (writes) => {
        auditedBeforeStore = audit.recorded.length === writes.length;
        return append(writes);
      };
      await engine.rate(VALID_CPF, { correlationId: 'req-1', clientId: 'rating-worker' });
      await engine.rate(VALID_CPF, { correlationId: 'req-2', clientId: 'rating-worker' });
      expect(auditedBeforeStore).toBe(true);
      expect(audit.recorded).toEqual([
        expect.objectContaining({
          clientId: 'rating-worker',
          action: 'WRITE',
          resource: 'RATING',
          outcome: 'SUCCESS',
          requestId: 'req-1',
          purpose: null,
        }),
      ]);
      expect(audit.recorded[0]?.cpf?.value).toBe(cpf.value);
    });
  });

  describe('a list of CPFs', () => {
    it('reads each store once per window, stores one bulk write, one audit batch and one cache eviction per window', async () => {
      const cpfs = distinctCpfs(RATING_WINDOW + 3);
      for (const c of cpfs) await features.save(aRatingFeatures({ cpf: c }));
      const calls = {
        summaries: [] as number[],
        debts: 0,
        features: 0,
        heads: 0,
        appends: [] as number[],
        evictions: [] as number[],
      };
      const wrap = <T extends object, K extends keyof T>(target: T, key: K, onCall: (...args: never[]) => void) => {
        const original = (target[key] as (...args: unknown[]) => unknown).bind(target);
        (target as Record<K, unknown>)[key] = (...args: never[]) => {
          onCall(...args);
          return original(...args);
        };
      };
      wrap(transactions, 'scoringActivityMany', (asked: Cpf[]) => calls.summaries.push(asked.length));
      wrap(consumers, 'debtsOf', () => (calls.debts += 1));
      wrap(features, 'findMany', () => (calls.features += 1));
      wrap(ratings, 'headsOf', () => (calls.heads += 1));
      wrap(ratings, 'append', (writes: unknown[]) => calls.appends.push(writes.length));
      wrap(cache, 'invalidate', (evicted: Cpf[]) => calls.evictions.push(evicted.length));
      const report = await engine.rateCpfs([...cpfs, cpfs[0]!], metadata);
      expect(calls).toEqual({
        summaries: [RATING_WINDOW, 3],
        debts: 2,
        features: 2,
        heads: 2,
        appends: [RATING_WINDOW, 3],
        evictions: [RATING_WINDOW, 3],
      });
      expect(audit.batches.map((b) => b.length)).toEqual([RATING_WINDOW, 3]);
      expect(report.counts).toEqual({ processed: cpfs.length, rated: cpfs.length, unchanged: 0, noData: 0, failed: 0 });
      expect(bus.ofType(RatingChangedEvent)).toHaveLength(cpfs.length);
    });

    it('rates each CPF of a window as it would rate it alone', async () => {
      const [withDebts, withFeatures, neither] = distinctCpfs(3);
      await consumers.save(aConsumer({ cpf: withDebts }));
      await features.save(aRatingFeatures({ cpf: withFeatures }));
      const report = await engine.rateCpfs([withDebts!, withFeatures!, neither!], metadata);
      expect([...report.outcomes.values()]).toEqual(['RATED', 'RATED', 'NO_DATA']);
      expect(await scoreOf(withDebts!)).toBe(
        await expectedScore(withDebts!, new DebtRecord(aConsumer({ cpf: withDebts }).debts), null),
      );
      expect(await scoreOf(withFeatures!)).toBe(
        await expectedScore(withFeatures!, null, aRatingFeatures({ cpf: withFeatures })),
      );
    });

    it('fails only the CPF whose stored features are not valid, rating the rest', async () => {
      const [good, bad] = distinctCpfs(2);
      await features.save(aRatingFeatures({ cpf: good }));
      const findMany = features.findMany.bind(features);
      features.findMany = async (asked) => {
        const found = await findMany(asked);
        found.set(bad!, {
          cpf: bad!,
          features: null,
          problem: 'stored features are not valid: birthDate in the future',
        });
        return found;
      };
      const report = await engine.rateCpfs([good!, bad!], metadata);
      expect(report.counts).toMatchObject({ rated: 1, failed: 1 });
      expect(report.failures).toEqual([{ cpf: bad, reason: expect.stringContaining('birthDate') }]);
      expect(await scoreOf(good!)).toBeDefined();
    });

    it('fails the whole window when a store fails, storing and announcing nothing', async () => {
      const cpfs = distinctCpfs(3);
      for (const c of cpfs) await consumers.save(aConsumer({ cpf: c }));
      transactions.scoringActivityMany = async () => {
        throw new Error('elasticsearch away');
      };
      await expect(engine.rateCpfs(cpfs, metadata)).rejects.toThrow(/elasticsearch away/);
      expect(ratings.headCount()).toBe(0);
      expect(bus.published).toEqual([]);
    });

    it("leaves a rating computed from features older than the stored rating's as it is (a late, stale computation)", async () => {
      await features.save(aRatingFeatures({ updatedAt: daysAfter(NOW, 1) }));
      clock.advance(2 * 86_400_000);
      await engine.rate(VALID_CPF, metadata);
      const stored = await ratings.latest(cpf);
      // A partition that read the features before they changed, rating after the rescore that used the new ones.
      const stale = aRatingFeatures({ incomeSources: [], assets: [], updatedAt: NOW });
      const findMany = features.findMany.bind(features);
      features.findMany = async (asked) =>
        new Map([...(await findMany(asked))].map(([k]) => [k, { cpf: k, features: stale }]));
      expect(await engine.rate(VALID_CPF, metadata)).toBe('UNCHANGED');
      expect((await ratings.latest(cpf))?.props).toEqual(stored?.props);
    });

    it('announces unchanged ratings again when asked to resend those stored since a moment', async () => {
      const [a, b] = distinctCpfs(2);
      await consumers.save(aConsumer({ cpf: a }));
      await engine.rate(a!, metadata);
      clock.advance(10_000);
      await consumers.save(aConsumer({ cpf: b }));
      await engine.rate(b!, metadata);
      bus.clear();
      clock.advance(10_000);
      const report = await engine.rateCpfs([a!, b!], metadata, { resend: { since: daysAfter(NOW, 0) } });
      expect(report.counts.unchanged).toBe(2);
      const again = bus.ofType(RatingChangedEvent);
      expect(again.map((e) => e.rating.cpf.value).sort()).toEqual([a, b].sort());
      expect(again.map((e) => e.previousScore)).toEqual([null, null]);
      bus.clear();
      await engine.rateCpfs([a!, b!], metadata, { resend: { since: new Date(NOW.getTime() + 5_000) } });
      expect(bus.ofType(RatingChangedEvent).map((e) => e.rating.cpf.value)).toEqual([b]);
    });

    it('refuses to rate with a model version other than its own', async () => {
      await consumers.save(aConsumer());
      await expect(engine.rateCpfs([VALID_CPF], metadata, { modelVersion: 'other-model' })).rejects.toThrow(
        /other-model/,
      );
    });
  });

  describe('a partition', () => {
    it('rates every CPF of the shard that has features or a rating, and none of another shard', async () => {
      const cpfs = distinctCpfs(60);
      const shard = partitionKeysOf(cpfs[0]!).shard;
      const inShard = cpfs.filter((c) => partitionKeysOf(c).shard === shard);
      for (const c of cpfs) await features.save(aRatingFeatures({ cpf: c }));
      // Rated before from A alone, no features: still part of the partition.
      const consumerOnly = distinctCpfs(400).find((c) => partitionKeysOf(c).shard === shard && !cpfs.includes(c))!;
      await consumers.save(aConsumer({ cpf: consumerOnly }));
      await engine.rate(consumerOnly, metadata);
      await consumers.save(
        aConsumer({ cpf: consumerOnly, debts: [aDebt({ status: 'OVERDUE', dueDate: daysAgo(90) })] }),
      );
      const report = await engine.ratePartition('SHARD', shard, metadata);
      expect(report.counts).toEqual({
        processed: inShard.length + 1,
        rated: inShard.length + 1,
        unchanged: 0,
        noData: 0,
        failed: 0,
      });
      for (const c of cpfs) expect((await ratings.latest(Cpf.parse(c))) !== null).toBe(inShard.includes(c));
      expect(report.bandMoves.newlyRated).toBe(inShard.length);
      // Run again: nothing changes, nothing is written, the heads superseded by the first run are gone.
      bus.clear();
      const again = await engine.ratePartition('SHARD', shard, metadata);
      expect(again.counts).toMatchObject({ rated: 0, unchanged: inShard.length + 1 });
      expect(bus.published).toEqual([]);
      expect(ratings.headCount()).toBe(inShard.length + 1);
    });

    it("drops from the partition's snapshot the heads of CPFs left with nothing to rate from", async () => {
      const [kept] = distinctCpfs(1) as [string];
      const shard = partitionKeysOf(kept).shard;
      const gone = distinctCpfs(500).find((c) => c !== kept && partitionKeysOf(c).shard === shard)!;
      await features.save(aRatingFeatures({ cpf: kept }));
      // A rating whose subject's data was removed since (the demo data's, say).
      await saveRating(ratings, aRating({ cpf: Cpf.parse(gone), score: 500 }));
      const report = await engine.ratePartition('SHARD', shard, metadata);
      expect(report.counts).toMatchObject({ rated: 1, noData: 1 });
      const heads = await ratings.headsInPartition('SHARD', shard);
      expect([...heads.latest.keys()]).toEqual([kept]);
    });

    it('reports progress after each window, and counts band moves against the stored ratings', async () => {
      const cpfs = distinctCpfs(30);
      const shard = partitionKeysOf(cpfs[0]!).shard;
      const inShard = cpfs.filter((c) => partitionKeysOf(c).shard === shard);
      for (const c of inShard) await consumers.save(aConsumer({ cpf: c }));
      // Consumers known to A alone join a partition once they have a rating.
      await engine.rateCpfs(inShard, metadata);
      for (const c of inShard)
        await consumers.save(aConsumer({ cpf: c, debts: [aDebt({ status: 'OVERDUE', dueDate: daysAgo(400) })] }));
      const seen: number[] = [];
      const report = await engine.ratePartition('SHARD', shard, metadata, {
        progress: async (r) => void seen.push(r.counts.processed),
      });
      expect(seen[seen.length - 1]).toBe(inShard.length);
      const moves = Object.values(report.bandMoves.from).reduce((n, m) => n + m.down + m.same + m.up, 0);
      expect(moves).toBe(inShard.length);
      expect(Object.values(report.bandMoves.from).reduce((n, m) => n + m.down, 0)).toBeGreaterThan(0);
    });
  });
});
