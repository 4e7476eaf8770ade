import { Cpf, FixedClock, ValidationError } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingCommandSender, RecordingEventBus, aConsumer, aRatingFeatures, distinctCpfs } from '@app/testing';
import { WoeLogisticScorer } from '../../domain/scoring/woe-logistic-scorer';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';
import { InMemoryAnalysisCache } from '../../infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from '../../infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingJobRepository } from '../../infrastructure/embedded/in-memory-rating-job.repository';
import { InMemoryRatingRepository } from '../../infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from '../../infrastructure/embedded/in-memory-transaction.store';
import { RatingJob, RatingJobScope } from '../ports/rating-job.repository';
import { ConsumerRater } from '../rate-consumer/consumer-rater.service';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { RegenerateRatingsCommand, StartRatingRegenerationCommand } from './regenerate-ratings.command';
import { REGENERATION_CONCURRENCY, REGENERATION_PAGE, RegenerateRatingsHandler } from './regenerate-ratings.handler';
import { StartRatingRegenerationHandler } from './start-rating-regeneration.handler';

const metadata = { correlationId: 'corr-job', clientId: 'ops' };

describe('rating regeneration', () => {
  let features: InMemoryRatingFeaturesRepository;
  let consumers: InMemoryConsumerRepository;
  let ratings: InMemoryRatingRepository;
  let jobs: InMemoryRatingJobRepository;
  let clock: FixedClock;
  let regenerate: RegenerateRatingsHandler;
  let bus: RecordingEventBus;

  beforeEach(() => {
    features = new InMemoryRatingFeaturesRepository();
    consumers = new InMemoryConsumerRepository();
    ratings = new InMemoryRatingRepository();
    jobs = new InMemoryRatingJobRepository();
    clock = new FixedClock(NOW);
    bus = new RecordingEventBus();
    const rater = new ConsumerRater(consumers, features, ratings, new InMemoryTransactionStore(), new WoeLogisticScorer(), clock, bus.notifier(new InMemoryAnalysisCache()));
    regenerate = new RegenerateRatingsHandler(jobs, features, rater, clock, { pageSize: 100, concurrency: 4 });
  });

  async function withFeatures(cpfs: string[]): Promise<void> {
    for (const cpf of cpfs) await features.save(aRatingFeatures({ cpf }));
  }

  const rated = async (cpf: string) => (await ratings.history(Cpf.parse(cpf), 10)).length;

  function starter(sender: RecordingCommandSender): StartRatingRegenerationHandler {
    return new StartRatingRegenerationHandler(jobs, features, sender, clock);
  }

  const start = (sender: RecordingCommandSender, scope: RatingJobScope) => starter(sender).execute(new StartRatingRegenerationCommand(scope, metadata));

  describe('StartRatingRegenerationHandler', () => {
    it('registers a PENDING job for a list, deduplicated and sorted, and hands it to the worker', async () => {
      const [a, b, c] = distinctCpfs(3);
      const sender = new RecordingCommandSender();
      const formatted = Cpf.parse(b).formatted;
      const job = await start(sender, { kind: 'CPFS', cpfs: [c, formatted, a, b] });

      expect(job).toMatchObject({ status: 'PENDING', total: 3, processed: 0, failed: 0, cursor: null, createdAt: NOW, finishedAt: null, error: null });
      expect(job.scope).toEqual({ kind: 'CPFS', cpfs: [a, b, c].sort() });
      expect(await jobs.findById(job.id)).toEqual(job);
      expect(sender.regenerations).toEqual([new RegenerateRatingsCommand(job.id, { ...metadata, causationId: job.id })]);
    });

    it('sizes an ALL job by the number of CPFs with features', async () => {
      await withFeatures(distinctCpfs(4));
      const job = await start(new RecordingCommandSender(), { kind: 'ALL' });
      expect(job).toMatchObject({ scope: { kind: 'ALL' }, total: 4 });
    });

    it('rejects an invalid CPF in the list with CPF_INVALID on cpfs[i], registering and sending nothing', async () => {
      const [a, b] = distinctCpfs(2);
      const sender = new RecordingCommandSender();
      const error = await start(sender, { kind: 'CPFS', cpfs: [a, b, '123.456.789-00'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'CPF_INVALID', field: 'cpfs[2]' });
      expect(await jobs.unfinished()).toEqual([]);
      expect(sender.regenerations).toEqual([]);
    });

    it('rejects an empty list with CPF_LIST_INVALID', async () => {
      await expect(start(new RecordingCommandSender(), { kind: 'CPFS', cpfs: [] })).rejects.toMatchObject({ code: 'CPF_LIST_INVALID', field: 'cpfs' });
    });

    it('runs to completion when the sender hands the command to the worker handler', async () => {
      const cpfs = distinctCpfs(3);
      await withFeatures(cpfs);
      const sender = new RecordingCommandSender({ regenerateRatings: (command) => regenerate.execute(command) });
      const job = await start(sender, { kind: 'CPFS', cpfs });
      expect(await jobs.findById(job.id)).toMatchObject({ status: 'COMPLETED', processed: 3, failed: 0 });
    });
  });

  describe('RegenerateRatingsHandler', () => {
    it('completes a job for a list: every CPF rated once, processed = n, cursor at the last CPF', async () => {
      const cpfs = distinctCpfs(5);
      await withFeatures(cpfs);
      const listed = cpfs.slice(0, 3);
      const { id } = await start(new RecordingCommandSender(), { kind: 'CPFS', cpfs: listed });
      clock.advance(5_000);

      const done = await regenerate.execute(new RegenerateRatingsCommand(id, metadata));

      expect(done).toMatchObject({ status: 'COMPLETED', total: 3, processed: 3, failed: 0, cursor: [...listed].sort()[2], error: null });
      expect(done.finishedAt).toEqual(new Date(NOW.getTime() + 5_000));
      expect(await jobs.findById(id)).toEqual(done);
      for (const cpf of listed) expect(await rated(cpf)).toBe(1);
      for (const cpf of cpfs.slice(3)) expect(await rated(cpf)).toBe(0);
    });

    it('counts a listed CPF without any data as processed, not failed', async () => {
      const [known, unknown] = distinctCpfs(2);
      await withFeatures([known]);
      const { id } = await start(new RecordingCommandSender(), { kind: 'CPFS', cpfs: [known, unknown] });
      expect(await regenerate.execute(new RegenerateRatingsCommand(id, metadata))).toMatchObject({ status: 'COMPLETED', processed: 2, failed: 0 });
      expect(await rated(unknown)).toBe(0);
    });

    it('resumes a job after its cursor, never re-rating the CPFs done before it stopped', async () => {
      const sorted = distinctCpfs(5).sort();
      await withFeatures(sorted);
      const interrupted: RatingJob = {
        id: 'job-resume', scope: { kind: 'CPFS', cpfs: sorted }, status: 'RUNNING', total: 5, processed: 2, failed: 0,
        cursor: sorted[1], ratingsPerSecond: 0, createdAt: NOW, updatedAt: NOW, finishedAt: null, error: null,
      };
      await jobs.create(interrupted);

      const done = await regenerate.execute(new RegenerateRatingsCommand('job-resume', metadata));

      expect(done).toMatchObject({ status: 'COMPLETED', processed: 5, cursor: sorted[4] });
      expect([await rated(sorted[0]), await rated(sorted[1])]).toEqual([0, 0]);
      expect([await rated(sorted[2]), await rated(sorted[3]), await rated(sorted[4])]).toEqual([1, 1, 1]);
    });

    it('announces again, when it resumes an interrupted job, the ratings written after its last saved progress', async () => {
      const sorted = distinctCpfs(4).sort();
      await withFeatures(sorted);
      const rateAlone = async (cpf: string) => {
        const { id } = await start(new RecordingCommandSender(), { kind: 'CPFS', cpfs: [cpf] });
        await regenerate.execute(new RegenerateRatingsCommand(id, metadata));
      };
      // The dead run rated sorted[1] at NOW, saved its progress at NOW + 0.5 s, rated sorted[2] at NOW + 1 s and died,
      // perhaps before announcing it. Its saved cursor is sorted[0], so the resumed job rates sorted[1..3] again.
      await rateAlone(sorted[1]!);
      clock.advance(1_000);
      await rateAlone(sorted[2]!);
      await jobs.create({
        id: 'job-died', scope: { kind: 'CPFS', cpfs: sorted }, status: 'RUNNING', total: 4, processed: 1, failed: 0,
        cursor: sorted[0]!, ratingsPerSecond: 0, createdAt: NOW, updatedAt: new Date(NOW.getTime() + 500), finishedAt: null, error: null,
      });
      bus.clear();
      clock.advance(60_000);

      expect(await regenerate.execute(new RegenerateRatingsCommand('job-died', metadata))).toMatchObject({ status: 'COMPLETED', processed: 4 });
      // sorted[1] came out unchanged and predates the saved progress: announced then. sorted[2] is unchanged but
      // newer: announced again, not rewritten. sorted[3] is rated for the first time.
      expect(bus.ofType(RatingChangedEvent).map((e) => e.rating.cpf.value).sort()).toEqual([sorted[2], sorted[3]].sort());
      expect([await rated(sorted[1]!), await rated(sorted[2]!), await rated(sorted[3]!)]).toEqual([1, 1, 1]);
    });

    it('walks every CPF with features for an ALL job, across pages, and none without', async () => {
      const cpfs = distinctCpfs(510);
      await withFeatures(cpfs.slice(0, 505));
      const consumerOnly = cpfs[509];
      await consumers.save(aConsumer({ cpf: consumerOnly }));
      const { id } = await start(new RecordingCommandSender(), { kind: 'ALL' });

      const done = await regenerate.execute(new RegenerateRatingsCommand(id, metadata));

      expect(done).toMatchObject({ status: 'COMPLETED', total: 505, processed: 505, failed: 0, cursor: cpfs.slice(0, 505).sort()[504] });
      const counts = await Promise.all(cpfs.slice(0, 505).map(rated));
      expect(counts.every((n) => n === 1)).toBe(true);
      expect(await rated(consumerOnly)).toBe(0);
    });

    it('resumes an ALL job after its cursor', async () => {
      const sorted = distinctCpfs(4).sort();
      await withFeatures(sorted);
      await jobs.create({
        id: 'all-resume', scope: { kind: 'ALL' }, status: 'RUNNING', total: 4, processed: 3, failed: 0,
        cursor: sorted[2], ratingsPerSecond: 0, createdAt: NOW, updatedAt: NOW, finishedAt: null, error: null,
      });
      expect(await regenerate.execute(new RegenerateRatingsCommand('all-resume', metadata))).toMatchObject({ status: 'COMPLETED', processed: 4 });
      expect(await Promise.all(sorted.map(rated))).toEqual([0, 0, 0, 1]);
    });

    it('leaves a COMPLETED job as it is when the command is delivered again', async () => {
      const cpfs = distinctCpfs(2);
      await withFeatures(cpfs);
      const { id } = await start(new RecordingCommandSender(), { kind: 'CPFS', cpfs });
      const first = await regenerate.execute(new RegenerateRatingsCommand(id, metadata));
      await features.save(aRatingFeatures({ cpf: cpfs[0], incomeSources: [] }));
      clock.advance(60_000);

      const again = await regenerate.execute(new RegenerateRatingsCommand(id, metadata));

      expect(again).toEqual(first);
      expect(await rated(cpfs[0])).toBe(1);
    });

    it('answers RATING_JOB_NOT_FOUND for an unknown job', async () => {
      await expect(regenerate.execute(new RegenerateRatingsCommand('nope', metadata))).rejects.toMatchObject({ code: 'RATING_JOB_NOT_FOUND' });
    });
  });

  describe('RegenerateRatingsHandler: pages and windows', () => {
    /** A rater that takes a few milliseconds per CPF and records what overlapped. */
    function slowRater(log: string[], failOn = new Set<string>()) {
      let inFlight = 0;
      const stats = { maxInFlight: 0, rated: [] as string[], snapshots: new Map<string, RatingFeatures | undefined>() };
      const stub = {
        rate: async (cpf: string, _metadata: unknown, snapshot?: RatingFeatures) => {
          stats.snapshots.set(cpf, snapshot);
          inFlight += 1;
          stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
          log.push(`rate ${cpf}`);
          await new Promise((r) => setTimeout(r, 2));
          inFlight -= 1;
          if (failOn.has(cpf)) throw new Error('store unavailable');
          stats.rated.push(cpf);
          return 'RATED' as const;
        },
        rateMany: (entries: Array<{ cpf: string; features?: RatingFeatures }>, metadata: unknown) =>
          Promise.allSettled(entries.map(({ cpf, features }) => stub.rate(cpf, metadata, features))),
      };
      return { stub: stub as unknown as ConsumerRater, stats };
    }

    it('defaults to pages of 10,000 and a window of 16', () => {
      expect(REGENERATION_PAGE).toBe(10_000);
      expect(REGENERATION_CONCURRENCY).toBe(16);
    });

    it('rates up to a window of CPFs at once, each exactly once, and ends with the cursor at the last', async () => {
      const cpfs = distinctCpfs(53).sort();
      await withFeatures(cpfs);
      const { stub, stats } = slowRater([]);
      const handler = new RegenerateRatingsHandler(jobs, features, stub, clock, { pageSize: 20, concurrency: 8 });
      const { id } = await start(new RecordingCommandSender(), { kind: 'ALL' });
      const done = await handler.execute(new RegenerateRatingsCommand(id, metadata));
      expect(done).toMatchObject({ status: 'COMPLETED', processed: 53, failed: 0, cursor: cpfs[52] });
      expect(stats.maxInFlight).toBe(8);
      expect([...stats.rated].sort()).toEqual(cpfs);
    });

    it('never records a cursor past a CPF whose rating has not finished', async () => {
      const cpfs = distinctCpfs(30).sort();
      await withFeatures(cpfs);
      const { stub, stats } = slowRater([]);
      const cursors: (string | null)[] = [];
      const finishedAtSave: string[][] = [];
      const update = jobs.update.bind(jobs);
      jobs.update = async (job: RatingJob) => {
        cursors.push(job.cursor);
        finishedAtSave.push([...stats.rated]);
        return update(job);
      };
      clock.advance(0);
      const handler = new RegenerateRatingsHandler(jobs, features, stub, clock, { pageSize: 7, concurrency: 5 });
      const { id } = await start(new RecordingCommandSender(), { kind: 'ALL' });
      await handler.execute(new RegenerateRatingsCommand(id, metadata));
      cursors.forEach((cursor, i) => {
        if (cursor === null) return;
        for (const cpf of cpfs.filter((c) => c <= cursor)) expect(finishedAtSave[i]).toContain(cpf);
      });
    });

    it('counts a CPF whose rating fails as failed and still rates the rest of its window', async () => {
      const cpfs = distinctCpfs(10).sort();
      await withFeatures(cpfs);
      const { stub, stats } = slowRater([], new Set([cpfs[3]!]));
      const handler = new RegenerateRatingsHandler(jobs, features, stub, clock, { pageSize: 100, concurrency: 4 });
      const { id } = await start(new RecordingCommandSender(), { kind: 'ALL' });
      expect(await handler.execute(new RegenerateRatingsCommand(id, metadata))).toMatchObject({ status: 'COMPLETED', processed: 10, failed: 1, cursor: cpfs[9] });
      expect(stats.rated).toHaveLength(9);
    });

    it('hands the rater the features the page read for a job over the whole base, and none for listed CPFs', async () => {
      const cpfs = distinctCpfs(6).sort();
      await withFeatures(cpfs);
      const { stub, stats } = slowRater([]);
      const handler = new RegenerateRatingsHandler(jobs, features, stub, clock, { pageSize: 4, concurrency: 2 });
      const all = await start(new RecordingCommandSender(), { kind: 'ALL' });
      await handler.execute(new RegenerateRatingsCommand(all.id, metadata));
      for (const cpf of cpfs) expect(stats.snapshots.get(cpf)?.sameAs(await features.findByCpf(Cpf.parse(cpf)))).toBe(true);
      stats.snapshots.clear();
      const listed = await start(new RecordingCommandSender(), { kind: 'CPFS', cpfs: cpfs.slice(0, 3) });
      await handler.execute(new RegenerateRatingsCommand(listed.id, metadata));
      expect([...stats.snapshots.entries()]).toEqual(cpfs.slice(0, 3).map((cpf) => [cpf, undefined]));
    });

    it('reads the next page while the current one is being rated', async () => {
      const cpfs = distinctCpfs(12).sort();
      await withFeatures(cpfs);
      const log: string[] = [];
      const pagesAfter = features.pagesAfter.bind(features);
      features.pagesAfter = async function* (after: string | null, pageSize: number) {
        for await (const page of pagesAfter(after, pageSize)) {
          log.push(`page read ending at ${page[page.length - 1]!.cpf}`);
          yield page;
        }
      };
      const { stub } = slowRater(log);
      const handler = new RegenerateRatingsHandler(jobs, features, stub, clock, { pageSize: 6, concurrency: 2 });
      const { id } = await start(new RecordingCommandSender(), { kind: 'ALL' });
      await handler.execute(new RegenerateRatingsCommand(id, metadata));
      // The second page is read before the first page's last CPF is rated.
      expect(log.indexOf(`page read ending at ${cpfs[11]}`)).toBeLessThan(log.indexOf(`rate ${cpfs[5]}`));
      expect(log.filter((l) => l.startsWith('rate'))).toHaveLength(12);
    });

    it('fails the job when a page cannot be read, with the cursor after the last CPF rated', async () => {
      const cpfs = distinctCpfs(9).sort();
      await withFeatures(cpfs);
      const pagesAfter = features.pagesAfter.bind(features);
      let closed = false;
      features.pagesAfter = async function* (after: string | null, pageSize: number) {
        try {
          let pages = 0;
          for await (const page of pagesAfter(after, pageSize)) {
            if (pages++ > 0) throw new Error('features store unavailable');
            yield page;
          }
        } finally {
          closed = true;
        }
      };
      const { stub, stats } = slowRater([]);
      const handler = new RegenerateRatingsHandler(jobs, features, stub, clock, { pageSize: 5, concurrency: 2 });
      const { id } = await start(new RecordingCommandSender(), { kind: 'ALL' });
      const failed = await handler.execute(new RegenerateRatingsCommand(id, metadata));
      expect(failed).toMatchObject({ status: 'FAILED', processed: 5, cursor: cpfs[4], error: 'features store unavailable' });
      expect(stats.rated).toHaveLength(5);
      expect(closed).toBe(true);
    });
  });
});
