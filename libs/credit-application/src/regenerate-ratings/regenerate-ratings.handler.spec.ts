import { Cpf, FixedClock, ValidationError } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingCommandSender,
  RecordingEventBus,
  aConsumer,
  aDay,
  aDebt,
  aRatingFeatures,
  distinctCpfs,
} from '@app/testing';
import { CommandBus } from '@nestjs/cqrs';
import { ExpirySweeps, expirySweepJobId } from './expiry-sweeps.service';
import {
  noBandMoves,
  LISTED_CPFS_PER_PARTITION,
  RATING_SHARDS,
  partitionKeysOf,
  WoeLogisticScorer,
} from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingJobRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { PartitionRun, RatingJobScope } from '../ports/rating-job.repository';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { RatePartitionHandler } from './rate-partition.handler';
import { PARTITION_LEASE_MS, RatingJob, viewOf } from './rating-job.view';
import {
  RatePartitionCommand,
  RegenerateRatingsCommand,
  StartRatingRegenerationCommand,
} from './regenerate-ratings.command';
import { RegenerateRatingsHandler } from './regenerate-ratings.handler';
import { ResumeRatingRegenerationCommand, ResumeRatingRegenerationHandler } from './resume-rating-regeneration.handler';
import { StartRatingRegenerationHandler } from './start-rating-regeneration.handler';

const metadata = { correlationId: 'corr-job', clientId: 'ops' };
const fast = { heartbeatMs: 5, standbyPollMs: 5 };

describe('rating regeneration', () => {
  let features: InMemoryRatingFeaturesRepository;
  let consumers: InMemoryConsumerRepository;
  let ratings: InMemoryRatingRepository;
  let jobs: InMemoryRatingJobRepository;
  let clock: FixedClock;
  let bus: RecordingEventBus;
  let engine: RatingEngine;
  let sender: RecordingCommandSender;
  let partitionHandler: RatePartitionHandler;

  beforeEach(() => {
    features = new InMemoryRatingFeaturesRepository();
    consumers = new InMemoryConsumerRepository();
    ratings = new InMemoryRatingRepository();
    jobs = new InMemoryRatingJobRepository();
    clock = new FixedClock(NOW);
    bus = new RecordingEventBus();
    engine = new RatingEngine(
      consumers,
      features,
      ratings,
      new InMemoryTransactionStore(),
      new WoeLogisticScorer(),
      clock,
      bus.notifier(new InMemoryAnalysisCache()),
    );
    partitionHandler = new RatePartitionHandler(jobs, engine, clock, 'worker-1', fast);
    sender = new RecordingCommandSender();
  });

  const withFeatures = async (cpfs: string[]) => {
    for (const cpf of cpfs) await features.save(aRatingFeatures({ cpf }));
  };
  const rated = async (cpf: string) => (await ratings.history(Cpf.parse(cpf), 10)).length;
  const start = (scope: RatingJobScope, modelVersion?: string) =>
    new StartRatingRegenerationHandler(jobs, features, sender, new WoeLogisticScorer(), clock).execute(
      new StartRatingRegenerationCommand(scope, metadata, modelVersion),
    );
  const fanOut = (jobId: string) =>
    new RegenerateRatingsHandler(jobs, sender, clock).execute(new RegenerateRatingsCommand(jobId, metadata));
  const view = async (jobId: string): Promise<RatingJob> =>
    viewOf((await jobs.findById(jobId))!, await jobs.runsOf(jobId), clock.now());
  /** Every partition message sent so far, each handled once, as one worker would. */
  const runPartitions = async () => {
    for (const command of sender.partitions.splice(0)) await partitionHandler.execute(command);
  };

  describe('StartRatingRegenerationHandler', () => {
    it('registers a list job, deduplicated and sorted, planned in slices, and hands it to the workers', async () => {
      const [a, b, c] = distinctCpfs(3);
      const job = await start({ kind: 'CPFS', cpfs: [c!, Cpf.parse(b!).formatted, a!, b!] });
      expect(job).toMatchObject({
        status: 'PENDING',
        total: 3,
        processed: 0,
        modelVersion: 'woe-logistic-v1',
        partitions: { total: 1, pending: 1 },
      });
      expect((await jobs.findById(job.id))?.scope).toEqual({ kind: 'CPFS', cpfs: [a, b, c].sort() });
      expect(sender.regenerations).toEqual([
        new RegenerateRatingsCommand(job.id, { ...metadata, causationId: job.id }),
      ]);
    });

    it('plans a job over the whole base by shard, sized by the estimated count', async () => {
      await withFeatures(distinctCpfs(4));
      const job = await start({ kind: 'ALL' });
      expect(job).toMatchObject({ scope: { kind: 'ALL' }, total: 4, partitions: { total: RATING_SHARDS } });
      expect((await jobs.findById(job.id))?.plan).toEqual({
        level: 'SHARD',
        partitions: RATING_SHARDS,
        estimatedCpfs: 4,
      });
    });

    it('records the model version asked for, and refuses one that is not a version name', async () => {
      expect((await start({ kind: 'ALL' }, 'woe-logistic-v2')).modelVersion).toBe('woe-logistic-v2');
      await expect(start({ kind: 'ALL' }, 'bad version!')).rejects.toMatchObject({
        code: 'MODEL_VERSION_INVALID',
        field: 'modelVersion',
      });
    });

    it('rejects an invalid CPF in the list on cpfs[i], and an empty list, registering and sending nothing', async () => {
      const [a, b] = distinctCpfs(2);
      const error = await start({ kind: 'CPFS', cpfs: [a!, b!, '123.456.789-00'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'CPF_INVALID', field: 'cpfs[2]' });
      await expect(start({ kind: 'CPFS', cpfs: [] })).rejects.toMatchObject({
        code: 'CPF_LIST_INVALID',
        field: 'cpfs',
      });
      expect(sender.regenerations).toEqual([]);
    });
  });

  describe('a whole job', () => {
    it('rates every CPF of the base once, adds the partitions up, and completes', async () => {
      const cpfs = distinctCpfs(150);
      await withFeatures(cpfs);
      const job = await start({ kind: 'ALL' });
      expect(await fanOut(job.id)).toBe(RATING_SHARDS);
      await runPartitions();
      const done = await view(job.id);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        total: 150,
        processed: 150,
        rated: 150,
        unchanged: 0,
        failed: 0,
        partitions: { total: RATING_SHARDS, completed: RATING_SHARDS },
      });
      expect(done.finishedAt).toEqual(NOW);
      expect(done.bandMoves.newlyRated).toBe(150);
      expect(await Promise.all(cpfs.map(rated))).toEqual(cpfs.map(() => 1));
      expect(bus.ofType(RatingChangedEvent)).toHaveLength(150);
    });

    it('sends nothing more for a completed job, and a second job over unchanged data writes and announces nothing', async () => {
      const cpfs = distinctCpfs(40);
      await withFeatures(cpfs);
      const first = await start({ kind: 'ALL' });
      await fanOut(first.id);
      await runPartitions();
      expect(await fanOut(first.id)).toBe(0);
      bus.clear();
      clock.advance(60_000);
      const second = await start({ kind: 'ALL' });
      await fanOut(second.id);
      await runPartitions();
      expect(await view(second.id)).toMatchObject({ status: 'COMPLETED', processed: 40, rated: 0, unchanged: 40 });
      expect(bus.published).toEqual([]);
      expect(await Promise.all(cpfs.map(rated))).toEqual(cpfs.map(() => 1));
    });

    it('rates a listed job slice by slice, leaving CPFs outside the list alone', async () => {
      const cpfs = distinctCpfs(LISTED_CPFS_PER_PARTITION + 10);
      await withFeatures(cpfs);
      const outside = distinctCpfs(LISTED_CPFS_PER_PARTITION + 12).filter((c) => !cpfs.includes(c));
      await withFeatures(outside);
      const job = await start({ kind: 'CPFS', cpfs });
      expect(await fanOut(job.id)).toBe(2);
      await runPartitions();
      expect(await view(job.id)).toMatchObject({
        status: 'COMPLETED',
        rated: cpfs.length,
        failed: 0,
        partitions: { completed: 2 },
      });
      expect(await Promise.all(cpfs.map(rated))).toEqual(cpfs.map(() => 1));
      expect(outside.length).toBeGreaterThan(0);
      for (const c of outside) expect(await rated(c)).toBe(0);
    });

    it('shows a partition given up on as failed, and a resume sends only what is left', async () => {
      await withFeatures(distinctCpfs(30));
      const job = await start({ kind: 'ALL' });
      await fanOut(job.id);
      const commands = sender.partitions.splice(0);
      const [broken, ...rest] = commands;
      const failing = new RatePartitionHandler(
        jobs,
        {
          ...engine,
          modelVersion: engine.modelVersion,
          ratePartition: async () => {
            throw new Error('FerretDB away');
          },
        } as unknown as RatingEngine,
        clock,
        'worker-2',
        fast,
      );
      await expect(failing.execute(new RatePartitionCommand(job.id, broken!.index, metadata, true))).rejects.toThrow(
        'FerretDB away',
      );
      for (const c of rest) await partitionHandler.execute(c);
      expect(await view(job.id)).toMatchObject({
        status: 'FAILED',
        error: 'FerretDB away',
        partitions: { failed: 1, completed: RATING_SHARDS - 1 },
      });
      const resume = new ResumeRatingRegenerationHandler(jobs, sender, clock);
      await resume.execute(new ResumeRatingRegenerationCommand(job.id, metadata));
      await fanOut(job.id);
      expect(sender.partitions.map((c) => c.index)).toEqual([broken!.index]);
      await runPartitions();
      expect((await view(job.id)).status).toBe('COMPLETED');
      await expect(resume.execute(new ResumeRatingRegenerationCommand(job.id, metadata))).rejects.toMatchObject({
        code: 'JOB_COMPLETED',
      });
    });

    it('shows a failure that will be retried as pending, not failed', async () => {
      await withFeatures(distinctCpfs(5));
      const job = await start({ kind: 'ALL' });
      await fanOut(job.id);
      const failing = new RatePartitionHandler(
        jobs,
        {
          modelVersion: engine.modelVersion,
          ratePartition: async () => {
            throw new Error('timeout');
          },
        } as unknown as RatingEngine,
        clock,
        'worker-2',
        fast,
      );
      await expect(failing.execute(sender.partitions[0]!)).rejects.toThrow('timeout');
      expect((await view(job.id)).partitions).toMatchObject({ failed: 0, pending: RATING_SHARDS });
    });
  });

  describe('RatePartitionHandler leases', () => {
    const cpfs = distinctCpfs(80);
    const shard = partitionKeysOf(cpfs[0]!).shard;
    const running = (jobId: string, attempt: number, heartbeatAt: Date): PartitionRun => ({
      jobId,
      index: shard,
      attempt,
      worker: 'elsewhere',
      status: 'RUNNING',
      startedAt: heartbeatAt,
      heartbeatAt,
      finishedAt: null,
      counts: { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 },
      bandMoves: noBandMoves(),
      error: null,
    });

    it('does nothing for a partition completed elsewhere', async () => {
      await withFeatures(cpfs);
      const job = await start({ kind: 'ALL' });
      const command = new RatePartitionCommand(job.id, shard, metadata);
      await partitionHandler.execute(command);
      const before = await jobs.runsOfPartition(job.id, shard);
      await partitionHandler.execute(command);
      expect(await jobs.runsOfPartition(job.id, shard)).toEqual(before);
    });

    it('stands by while a live run holds the partition, and takes it over once that run stalls, re-announcing its ratings', async () => {
      await withFeatures(cpfs);
      const job = await start({ kind: 'ALL' });
      // A worker that died mid-partition: it stored ratings, perhaps without announcing them, then stopped
      // heartbeating.
      await jobs.startRun(running(job.id, 1, NOW));
      const inShard = cpfs.filter((c) => partitionKeysOf(c).shard === shard);
      await engine.rateCpfs(inShard, metadata);
      bus.clear();
      const taking = partitionHandler.execute(new RatePartitionCommand(job.id, shard, metadata));
      await new Promise((r) => setTimeout(r, 30));
      expect((await jobs.runsOfPartition(job.id, shard)).map((r) => r.attempt)).toEqual([1]);
      clock.advance(PARTITION_LEASE_MS);
      await taking;
      const runs = (await jobs.runsOfPartition(job.id, shard)).sort((a, b) => a.attempt - b.attempt);
      expect(runs.map((r) => [r.attempt, r.worker, r.status])).toEqual([
        [1, 'elsewhere', 'RUNNING'],
        [2, 'worker-1', 'COMPLETED'],
      ]);
      expect(runs[1]?.counts).toMatchObject({ processed: inShard.length, rated: 0, unchanged: inShard.length });
      expect(
        bus
          .ofType(RatingChangedEvent)
          .map((e) => e.rating.cpf.value)
          .sort(),
      ).toEqual([...inShard].sort());
    });

    it('lets one of two workers racing for a partition rate it; the other finds it done', async () => {
      await withFeatures(cpfs);
      const job = await start({ kind: 'ALL' });
      const other = new RatePartitionHandler(jobs, engine, clock, 'worker-2', fast);
      const command = new RatePartitionCommand(job.id, shard, metadata);
      await Promise.all([partitionHandler.execute(command), other.execute(command)]);
      const runs = await jobs.runsOfPartition(job.id, shard);
      expect(runs).toHaveLength(1);
      expect(runs[0]?.status).toBe('COMPLETED');
      for (const c of cpfs.filter((x) => partitionKeysOf(x).shard === shard)) expect(await rated(c)).toBe(1);
    });

    it('stops, leaving the run to its new owner, when another worker took the partition over meanwhile', async () => {
      await withFeatures(cpfs);
      const job = await start({ kind: 'ALL' });
      const slow = {
        ...engine,
        modelVersion: engine.modelVersion,
        ratePartition: async (
          _l: unknown,
          _k: unknown,
          _m: unknown,
          options: { progress: (r: unknown) => Promise<void> },
        ) => {
          await jobs.startRun(running(job.id, 2, clock.now()));
          await new Promise((r) => setTimeout(r, 30));
          await options.progress({
            counts: { processed: 1, rated: 1, unchanged: 0, noData: 0, failed: 0 },
            bandMoves: noBandMoves(),
          });
        },
      } as unknown as RatingEngine;
      await new RatePartitionHandler(jobs, slow, clock, 'worker-1', fast).execute(
        new RatePartitionCommand(job.id, shard, metadata),
      );
      const mine = (await jobs.runsOfPartition(job.id, shard)).find((r) => r.attempt === 1);
      expect(mine?.status).toBe('RUNNING');
    });

    it('refuses a job rated with another model, and a partition the job does not have', async () => {
      const job = await start({ kind: 'ALL' }, 'woe-logistic-v9');
      await expect(partitionHandler.execute(new RatePartitionCommand(job.id, 0, metadata))).rejects.toThrow(
        /woe-logistic-v9/,
      );
      const ours = await start({ kind: 'ALL' });
      await expect(
        partitionHandler.execute(new RatePartitionCommand(ours.id, RATING_SHARDS, metadata)),
      ).rejects.toMatchObject({ code: 'PARTITION_INVALID' });
      await expect(partitionHandler.execute(new RatePartitionCommand('nope', 0, metadata))).rejects.toMatchObject({
        code: 'RATING_JOB_NOT_FOUND',
      });
    });
  });

  describe('RegenerateRatingsHandler', () => {
    it('sends every partition but completed ones and ones a live run holds; a stalled one is sent again', async () => {
      const job = await start({ kind: 'ALL' });
      const run = (index: number, status: PartitionRun['status'], heartbeatAt: Date): PartitionRun => ({
        jobId: job.id,
        index,
        attempt: 1,
        worker: 'w',
        status,
        startedAt: NOW,
        heartbeatAt,
        finishedAt: null,
        counts: { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 },
        bandMoves: noBandMoves(),
        error: null,
      });
      await jobs.startRun(run(0, 'COMPLETED', NOW));
      await jobs.startRun(run(1, 'RUNNING', NOW));
      await jobs.startRun(run(2, 'RUNNING', new Date(NOW.getTime() - PARTITION_LEASE_MS)));
      await jobs.startRun(run(3, 'FAILED', NOW));
      expect(await fanOut(job.id)).toBe(RATING_SHARDS - 2);
      const sent = sender.partitions.map((c) => c.index);
      expect(sent).not.toContain(0);
      expect(sent).not.toContain(1);
      expect(sent).toEqual(expect.arrayContaining([2, 3, 4, RATING_SHARDS - 1]));
      expect((await view(job.id)).partitions).toMatchObject({
        completed: 1,
        running: 1,
        stalled: 1,
        failed: 1,
        pending: RATING_SHARDS - 4,
      });
      await expect(fanOut('nope')).rejects.toMatchObject({ code: 'RATING_JOB_NOT_FOUND' });
    });
  });

  it('counts consumers known to A alone once they have a rating', async () => {
    const [only] = distinctCpfs(1);
    await consumers.save(aConsumer({ cpf: only }));
    await engine.rate(only!, metadata);
    const job = await start({ kind: 'ALL' });
    await fanOut(job.id);
    await runPartitions();
    expect(await view(job.id)).toMatchObject({ status: 'COMPLETED', processed: 1, unchanged: 1 });
  });
});

describe('the daily expiry sweep', () => {
  const metadata = { correlationId: 'sweep' };
  const fast = { heartbeatMs: 5, standbyPollMs: 5 };

  it('re-rates only the CPFs whose rating rests on a negative record no longer reportable, and announces them', async () => {
    const consumers = new InMemoryConsumerRepository();
    const ratings = new InMemoryRatingRepository();
    const features = new InMemoryRatingFeaturesRepository();
    const jobs = new InMemoryRatingJobRepository();
    // Rated on 2030-03-08: one consumer's overdue debt of 2025-03-10 leaves the report on 2030-03-11 (Brasília).
    const clock = new FixedClock(new Date('2030-03-08T15:00:00Z'));
    const bus = new RecordingEventBus();
    const engine = new RatingEngine(
      consumers,
      features,
      ratings,
      new InMemoryTransactionStore(),
      new WoeLogisticScorer(),
      clock,
      bus.notifier(new InMemoryAnalysisCache()),
    );
    const [expiring, lasting, clean] = distinctCpfs(3) as [string, string, string];
    await consumers.save(
      aConsumer({ cpf: expiring, debts: [aDebt({ id: 'old', status: 'OVERDUE', dueDate: aDay('2025-03-10') })] }),
    );
    await consumers.save(
      aConsumer({ cpf: lasting, debts: [aDebt({ id: 'recent', status: 'OVERDUE', dueDate: aDay('2029-01-10') })] }),
    );
    await consumers.save(aConsumer({ cpf: clean, debts: [] }));
    await engine.rateCpfs([expiring, lasting, clean], metadata);
    const before = await ratings.latest(Cpf.parse(expiring));
    expect(before?.props.validUntil).toEqual(new Date('2030-03-11T03:00:00Z'));
    bus.clear();

    clock.advance(new Date('2030-03-11T03:30:00Z').getTime() - clock.now().getTime());
    const sender = new RecordingCommandSender();
    const commands = {
      execute: (c: unknown) =>
        c instanceof StartRatingRegenerationCommand
          ? new StartRatingRegenerationHandler(jobs, features, sender, new WoeLogisticScorer(), clock).execute(c)
          : new ResumeRatingRegenerationHandler(jobs, sender, clock).execute(c as ResumeRatingRegenerationCommand),
    } as unknown as CommandBus;
    const sweeps = new ExpirySweeps(commands, clock, 0);
    const job = await sweeps.ensureToday();
    expect(job.id).toBe(expirySweepJobId(aDay('2030-03-11')));
    expect(job.scope).toEqual({ kind: 'EXPIRED' });
    await new RegenerateRatingsHandler(jobs, sender, clock).execute(sender.regenerations[0]!);
    const partitions = new RatePartitionHandler(jobs, engine, clock, 'w', fast);
    for (const c of sender.partitions.splice(0)) await partitions.execute(c);
    const done = viewOf((await jobs.findById(job.id))!, await jobs.runsOf(job.id), clock.now());
    expect(done).toMatchObject({ status: 'COMPLETED', processed: 1, rated: 1, total: 1 });
    const after = await ratings.latest(Cpf.parse(expiring));
    expect(after?.props.generatedAt).toEqual(clock.now());
    expect(after?.props.reasonCodes.map((r) => r.code)).not.toContain('DAYS_OVERDUE');
    expect(after?.props.validUntil).toBeNull();
    expect(bus.ofType(RatingChangedEvent).map((e) => e.rating.cpf.value)).toEqual([expiring]);
    for (const c of [lasting, clean]) expect(await ratings.history(Cpf.parse(c), 10)).toHaveLength(1);
  });

  it('registers one sweep per Brasília day however often it is asked, and sends a sweep nobody sent', async () => {
    const jobs = new InMemoryRatingJobRepository();
    const sender = new RecordingCommandSender();
    // 02:30 UTC on the 12th is still the 11th in Brasília.
    const clock = new FixedClock(new Date('2030-03-12T02:30:00Z'));
    const commands = {
      execute: (c: unknown) =>
        c instanceof StartRatingRegenerationCommand
          ? new StartRatingRegenerationHandler(
              jobs,
              new InMemoryRatingFeaturesRepository(),
              sender,
              new WoeLogisticScorer(),
              clock,
            ).execute(c)
          : new ResumeRatingRegenerationHandler(jobs, sender, clock).execute(c as ResumeRatingRegenerationCommand),
    } as unknown as CommandBus;
    const sweeps = new ExpirySweeps(commands, clock, 0);
    const first = await sweeps.ensureToday();
    expect(first.id).toBe(expirySweepJobId(aDay('2030-03-11')));
    await sweeps.ensureToday();
    expect(sender.regenerations).toHaveLength(1);
    // Its registrant died before handing it over: a worker checking later sends it.
    clock.advance(3 * 60_000);
    await sweeps.ensureToday();
    expect(sender.regenerations.map((c) => c.jobId)).toEqual([first.id, first.id]);
    clock.advance(2 * 3_600_000);
    expect((await sweeps.ensureToday()).id).toBe(expirySweepJobId(aDay('2030-03-12')));
  });
});
