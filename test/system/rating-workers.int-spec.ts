import { EVENTS, EXCHANGES, QUEUES } from '@app/contracts';
import { ApiKeys } from '@app/credit-application';
import { SCOPES } from '@app/credit-domain';
import { Cpf, SystemClock } from '@app/shared-kernel';
import amqp, { Channel, ChannelModel } from 'amqplib';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import {
  TypeormApiKeyRepository,
  TypeormAuditLog,
  postgresDataSource,
  TypeormConsumerRepository,
} from '@app/adapters/postgres';
import { FieldCipher, loadConfig } from '@app/platform';
import { createVhost, requireEnv, testKeys } from '@app/testing/contracts';
import { aConsumer, aRatingFeatures, distinctCpfs } from '@app/testing';
import { RatingFeaturesMongooseMapper } from '@app/adapters/mongodb';
import { RunningApp, ensureBuilt, eventually, serversEnv, startApp } from './app-processes';

jest.setTimeout(300_000);

const CONSUMERS = 1_200;

/**
 * The rating engine as production runs it: an API and two rating-worker processes over RabbitMQ, on the real servers,
 * sharing one partitioned job; one worker is killed with SIGKILL while it holds a partition.
 */
describe('rating workers share a partitioned job', () => {
  const run = `workers-${Date.now()}`;
  const mongoUrl = (() => {
    const url = new URL(requireEnv('MONGODB_URL'));
    url.pathname = `/credit_it_${run.replace(/-/g, '_')}`;
    return url.toString();
  })();
  const env: Record<string, string> = {
    ...serversEnv(`credit-transactions-${run}`),
    ...testKeys(),
    MONGODB_URL: mongoUrl,
    DEMO_CONSUMERS: '0',
    LOG_LEVEL: 'warn',
    PORT: String(3800 + Math.floor(Math.random() * 150)),
  };
  const base = `http://127.0.0.1:${env.PORT}`;
  const cpfs = distinctCpfs(CONSUMERS);
  const release = `woe-logistic-v1-it-${Date.now()}`;
  const apps: RunningApp[] = [];
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let connection: ChannelModel;
  let channel: Channel;
  let client: mongo.MongoClient;
  let apiKey = '';
  const announced: { cpf: string; modelVersion: string }[] = [];

  const http = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: body ? JSON.stringify(body) : undefined,
    });
    return (await res.json()) as Record<string, any>;
  };
  const workerEnv = (statusPort: number) => ({
    ...env,
    SCORING_MODEL_PATH: modelPath,
    STATUS_PORT: String(statusPort),
  });
  const modelPath = join(tmpdir(), `${release}.json`);
  const ratings = () => client.db().collection<{ cpf: string; payload: string }>('ratings');
  const runs = () =>
    client
      .db()
      .collection<{ jobId: string; index: number; attempt: number; worker: string; status: string }>(
        'rating_partition_runs',
      );
  const waitForJob = (id: string, timeoutMs: number) =>
    eventually(
      async () => {
        const job = await http('GET', `/v1/ratings/regenerations/${id}`);
        if (job.status === 'FAILED') throw new Error(`job failed: ${job.error}`);
        return job.status === 'COMPLETED' ? job : null;
      },
      timeoutMs,
      `job ${id} to complete`,
    );

  beforeAll(async () => {
    vhost = await createVhost('rating-workers');
    env.RABBITMQ_URL = vhost.url;
    ensureBuilt();
    const { execSync } = await import('node:child_process');
    execSync('npm run -s db:migrate', { env: { ...process.env, ...env }, stdio: 'inherit' });
    // A model release: the built-in artefact under a new version, its intercept moved, so every rating changes.
    const artefact = JSON.parse(
      readFileSync(join(__dirname, '../../libs/credit-domain/src/scoring/artefacts/credit-model-v1.json'), 'utf8'),
    );
    writeFileSync(
      modelPath,
      JSON.stringify({ ...artefact, modelVersion: release, intercept: artefact.intercept + 0.2 }),
    );

    // The base: consumers in A (PostgreSQL, encrypted) and their features in B, loaded in bulk.
    const config = loadConfig(env);
    const db = await postgresDataSource(env.DATABASE_URL!).initialize();
    try {
      await new TypeormConsumerRepository(db, FieldCipher.fromConfig(config)).saveMany(
        cpfs.map((cpf) => aConsumer({ cpf })),
      );
      apiKey = (
        await new ApiKeys(new TypeormApiKeyRepository(db), new SystemClock()).create(`rating-workers-${run}`, [
          ...SCOPES,
        ])
      ).plaintext;
    } finally {
      await db.destroy();
    }
    client = await mongo.MongoClient.connect(mongoUrl);
    await client
      .db()
      .collection('rating_features')
      .insertMany(cpfs.map((cpf) => RatingFeaturesMongooseMapper.toPersistence(aRatingFeatures({ cpf }))));

    apps.push(
      ...(await Promise.all([
        startApp('api', env, /Swagger UI/),
        startApp('rating-worker', workerEnv(4300 + Math.floor(Math.random() * 100)), /rating-worker consuming/),
        startApp('rating-worker', workerEnv(4400 + Math.floor(Math.random() * 100)), /rating-worker consuming/),
      ])),
    );
    connection = await amqp.connect(env.RABBITMQ_URL);
    channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, EXCHANGES.events, EVENTS.ratingChanged);
    await channel.consume(queue, (msg) => msg && announced.push(JSON.parse(msg.content.toString())), { noAck: true });
  }, 300_000);

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await Promise.all(apps.map((a) => a.stop()));
    await client
      ?.db()
      .dropDatabase()
      .catch(() => undefined);
    await client?.close();
    await vhost?.drop();
  });

  it('completes a model release across two workers, one killed mid-job: every CPF rated once, totals adding up', async () => {
    const started = await http('POST', '/v1/ratings/regenerations', { scope: 'ALL', modelVersion: release });
    expect(started).toMatchObject({ status: 'PENDING', modelVersion: release, partitions: { total: 64 } });
    // Kill the first worker while it holds a partition. It is frozen (SIGSTOP) before its runs are read, and given
    // time for writes already sent to land, so the partition read as held cannot be completed by it after all.
    const victim = apps[1]!;
    const victimId = `:${victim.process.pid}`;
    const held = await eventually(
      async () => {
        victim.process.kill('SIGSTOP');
        await new Promise((resolve) => setTimeout(resolve, 500));
        const running = await runs().find({ jobId: started.id, status: 'RUNNING' }).toArray();
        const run = running.find((r) => r.worker.endsWith(victimId));
        if (!run) victim.process.kill('SIGCONT');
        return run;
      },
      60_000,
      'the first worker to hold a partition',
    );
    victim.process.kill('SIGKILL');

    const job = await waitForJob(started.id, 180_000);
    expect(job).toMatchObject({ processed: CONSUMERS, failed: 0, partitions: { total: 64, completed: 64, failed: 0 } });
    expect(job.rated + job.unchanged).toBe(CONSUMERS);
    // The partition the dead worker held was taken over and completed by the other one.
    const taken = await runs().find({ jobId: started.id, index: held.index }).toArray();
    expect(taken.find((r) => r.status === 'COMPLETED')?.worker.endsWith(victimId)).toBe(false);
    expect(Math.max(...taken.map((r) => r.attempt))).toBeGreaterThan(held.attempt);

    // Every CPF has exactly one stored rating from the released model: none missed, none stored twice.
    const byCpf = new Map<string, number>();
    for await (const doc of ratings().find({}, { projection: { cpf: 1, payload: 1 } })) {
      if ((JSON.parse(doc.payload) as { modelVersion: string }).modelVersion === release)
        byCpf.set(doc.cpf, (byCpf.get(doc.cpf) ?? 0) + 1);
    }
    expect(byCpf.size).toBe(CONSUMERS);
    expect([...byCpf.values()].every((n) => n === 1)).toBe(true);
    // Each rating was announced (at least once: the taken-over partition re-announces what the dead worker stored).
    await eventually(
      async () => new Set(announced.filter((e) => e.modelVersion === release).map((e) => e.cpf)).size === CONSUMERS,
      30_000,
      'every new rating announced',
    );
    const bands = job.bandMoves as { up: number; down: number; same: number }[];
    // First ratings here, so the band report counts them as newly rated.
    expect(bands.reduce((n, b) => n + b.up + b.down + b.same, 0) + job.newlyRated).toBe(CONSUMERS);
  });

  it('rates nothing anew when the same job runs again: same ratings, no event, and the audit chain still verifies', async () => {
    const storedBefore = await ratings().countDocuments({});
    announced.length = 0;
    const job = await waitForJob(
      (await http('POST', '/v1/ratings/regenerations', { scope: 'ALL', modelVersion: release })).id,
      180_000,
    );
    expect(job).toMatchObject({ processed: CONSUMERS, rated: 0, unchanged: CONSUMERS, failed: 0 });
    expect(await ratings().countDocuments({})).toBe(storedBefore);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(announced).toEqual([]);
    const db = await postgresDataSource(env.DATABASE_URL!).initialize();
    try {
      expect(
        await new TypeormAuditLog(db, (digits) => FieldCipher.fromConfig(loadConfig(env)).lookupHash(digits)).verify(),
      ).toMatchObject({ ok: true });
    } finally {
      await db.destroy();
    }
  });

  it('coalesces: fifty rescore messages naming one CPF make one rating of it', async () => {
    const statusPort = 4500 + Math.floor(Math.random() * 100);
    const survivor = apps[2]!;
    await survivor.stop();
    const publisher = await connection.createConfirmChannel();
    const [cpf] = cpfs;
    for (let i = 0; i < 50; i++) {
      publisher.publish(
        EXCHANGES.events,
        EVENTS.transactionsIngested,
        Buffer.from(JSON.stringify({ batchId: `b${i}`, cpfs: [cpf] })),
        { persistent: true },
      );
    }
    await publisher.waitForConfirms();
    apps.push(await startApp('rating-worker', workerEnv(statusPort), /rating-worker consuming/));
    const status = await eventually(
      async () => {
        const s = (await (await fetch(`http://127.0.0.1:${statusPort}/health/ready`)).json()) as {
          rescoring: Record<string, number>;
        };
        return s.rescoring.messages === 50 && s.rescoring.messagesHeld === 0 ? s : null;
      },
      30_000,
      'the fifty messages re-scored',
    );
    expect(status.rescoring).toMatchObject({ batches: 1, messages: 50, cpfsRated: 1, messagesQueued: 0 });
    expect((await channel.checkQueue(QUEUES.rescoreConsumers)).messageCount).toBe(0);
    expect(Cpf.isValid(cpf!)).toBe(true);
  });
});
