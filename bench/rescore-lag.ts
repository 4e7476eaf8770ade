/**
 * How far ratings lag the data after a burst of ingestion, and whether they all end current.
 * How it works: docs/benchmarks.md. Run: `npm run bench:rescore -- --help`.
 */
import 'reflect-metadata';
import { EXCHANGES, QUEUES } from '@app/contracts';
import amqp from 'amqplib';
import { cpus, loadavg } from 'node:os';
import { parseArgs, runMain } from './lib/args';
import { fmt, fmtInt, table } from './lib/load';
import { MACHINE, Spawned, build, cpuBreakdown, freePort, processShares, sleep, spawnApp } from './lib/processes';
import { cleanUp, createVhost, deleteVhost, es, redisUrlWithDb, serversFromEnv } from './lib/resources';
import { cpfOf, dropScaleSet, openContext, openScaleSet, scaleEnv, scaleUrls } from './lib/scale-data';
import { Cpf } from '../libs/shared-kernel/src';
import {
  ConsumerRepository,
  RatingFeaturesRepository,
  RatingRepository,
  TransactionStore,
} from '@app/credit-application';
import { CreditScorer, buildScoringFacts } from '@app/credit-domain';

const USAGE = `usage: npm run bench:rescore -- [options]
  --consumers N   consumers the events are spread over (default 2000)
  --events K      events in the burst (default 100000)
  --batch B       events per message (default 500)
  --build MODE    auto (default), always or never
  --timeout S     give up after this many seconds (default 600)`;

const opts = parseArgs({ consumers: 2000, events: 100_000, batch: 500, build: 'auto', timeout: 600 }, USAGE);

interface WorkerStatus {
  rescoring: { messagesHeld: number; cpfsWaiting: number; oldestWaitMs: number; messagesQueued: number };
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = serversFromEnv();
  console.log(
    `rescore-lag benchmark: ${cpus().length} CPUs, Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const { set } = await openScaleSet(servers, opts.consumers, 0, true);
  build(opts.build);
  const stamp = Date.now();
  const vhost = `bench-rescore-${stamp}`;
  const statusPort = await freePort();
  const cleanups: [string, () => Promise<unknown>][] = [['drop the data set', () => dropScaleSet(servers, set)]];
  const apps: Spawned[] = [];
  let connection: amqp.ChannelModel | undefined;
  try {
    const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, vhost);
    cleanups.push(['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, vhost)]);
    const env = {
      ...scaleEnv(servers, set),
      REDIS_URL: redisUrlWithDb(servers.redisUrl, 12),
      REDIS_NAMESPACE: vhost,
      RABBITMQ_URL: rabbitmqUrl,
      LOG_LEVEL: 'warn',
    };
    apps.push(
      ...(await Promise.all([
        spawnApp('ingestion-worker', env, /consuming/, 120_000),
        spawnApp(
          'rating-worker',
          { ...env, STATUS_PORT: String(statusPort), RUN_JOURNAL_RELAYS: 'false' },
          /consuming/,
          120_000,
        ),
      ])),
    );
    const status = async (): Promise<WorkerStatus> =>
      (await (await fetch(`http://127.0.0.1:${statusPort}/health/ready`)).json()) as WorkerStatus;
    const count = async () => Number((await es(servers.elasticsearchUrl, 'GET', `/${set.esIndex}/_count`)).count ?? 0);
    const before = await count();

    // The burst: movements, card purchases and a few inquiries of the last 30 days, spread over every CPF.
    let seed = stamp % 2_147_483_647;
    const rnd = () => (seed = (seed * 48271) % 2_147_483_647) / 2_147_483_647;
    const now = Date.now();
    const batches: Buffer[] = [];
    for (let b = 0, n = 0; n < opts.events; b++) {
      const events = [];
      for (let i = 0; i < opts.batch && n < opts.events; i++, n++) {
        const cpf = cpfOf(Math.floor(rnd() * opts.consumers));
        const occurredAt = new Date(now - Math.floor(rnd() * 30 * 86_400_000) - 60_000).toISOString();
        const r = rnd();
        const eventId = `burst-${stamp}-${n}`;
        if (r < 0.05)
          events.push({
            eventId,
            cpf,
            type: 'BUREAU_INQUIRY',
            occurredAt,
            inquirer: 'Banco Horizonte S.A.',
            purpose: 'CREDIT_GRANTING',
          });
        else if (r < 0.5)
          events.push({
            eventId,
            cpf,
            type: 'FINANCIAL_MOVEMENT',
            occurredAt,
            kind: r < 0.2 ? 'SALARY' : 'BILL_PAYMENT',
            amountCents: r < 0.2 ? 250_000 : -Math.floor(1_000 + rnd() * 90_000),
          });
        else
          events.push({
            eventId,
            cpf,
            type: 'CARD_PURCHASE',
            occurredAt,
            merchant: 'Farmácia Saúde',
            mcc: '5912',
            amountCents: 500 + Math.floor(rnd() * 40_000),
            installments: 1,
            approved: rnd() > 0.2,
            cardLast4: '4242',
          });
      }
      batches.push(Buffer.from(JSON.stringify({ batchId: `burst-${stamp}-${b}`, events })));
    }

    const headsBefore = await countHeads(servers, set);
    connection = await amqp.connect(rabbitmqUrl);
    const channel = await connection.createConfirmChannel();
    const meter = cpuBreakdown(Object.fromEntries(apps.map((a) => [a.name, a.pid])));
    const t0 = performance.now();
    // As a partner publishes: user_id names the broker user, which RabbitMQ checks and the worker records as the
    // source.
    const userId = decodeURIComponent(new URL(rabbitmqUrl).username || 'guest');
    for (const body of batches)
      channel.publish(EXCHANGES.commands, QUEUES.ingestTransactions, body, {
        persistent: true,
        contentType: 'application/json',
        userId,
      });
    await channel.waitForConfirms();
    const published = (performance.now() - t0) / 1000;
    let storedAt = NaN;
    let peakWaiting = 0;
    let peakOldest = 0;
    while (performance.now() - t0 < opts.timeout * 1000) {
      const s = await status();
      peakWaiting = Math.max(peakWaiting, s.rescoring.cpfsWaiting);
      peakOldest = Math.max(peakOldest, s.rescoring.oldestWaitMs);
      if (Number.isNaN(storedAt) && (await count()) >= before + opts.events) storedAt = performance.now();
      if (
        !Number.isNaN(storedAt) &&
        s.rescoring.messagesHeld === 0 &&
        s.rescoring.messagesQueued === 0 &&
        (await channel.checkQueue(QUEUES.ingestTransactions)).messageCount === 0
      )
        break;
      await sleep(200);
    }
    const idleAt = performance.now();
    const cpu = meter();
    const lag = (idleAt - storedAt) / 1000;
    const written = (await countHeads(servers, set)) - headsBefore;
    const check = await checkCurrent(servers, set);

    console.log(
      `\nRescoring after a burst: ${fmtInt(opts.events)} events in ${batches.length} batches over ${fmtInt(opts.consumers)} CPFs (compiled ingestion-worker and rating-worker over RabbitMQ)`,
    );
    console.log(
      table(
        ['measure', 'value'],
        [
          ['publish (first → last confirm)', `${fmt(published, 1)} s`],
          ['last event stored, after the first publish', `${fmt((storedAt - t0) / 1000, 1)} s`],
          [
            'ratings current, after the last event stored',
            Number.isNaN(storedAt) ? 'events never all stored' : `${fmt(lag, 1)} s`,
          ],
          [
            'ratings written during the burst',
            `${fmtInt(written)} (${fmt(written / opts.consumers, 1)} per CPF; ${fmtInt(batches.length)} rescore messages)`,
          ],
          ['most CPFs waiting at once / oldest wait seen', `${fmtInt(peakWaiting)} / ${fmt(peakOldest / 1000, 1)} s`],
          ['stored ratings equal to ratings computed afresh', `${fmtInt(check.same)} of ${fmtInt(check.total)}`],
          ['CPU, % of one core', `${processShares(cpu)}; machine ${fmt(cpu[MACHINE] ?? 0, 0)}`],
        ],
      ),
    );
    if (check.same !== check.total) process.exitCode = 1;
  } finally {
    await connection?.close().catch(() => undefined);
    for (const a of apps.reverse()) await a.stop();
    await cleanUp(cleanups);
    console.log(`\ntotal run time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

async function countHeads(
  servers: ReturnType<typeof serversFromEnv>,
  set: Awaited<ReturnType<typeof openScaleSet>>['set'],
): Promise<number> {
  const mongoose = await import('mongoose');
  const conn = await mongoose
    .createConnection(scaleUrls(servers, set).mongodbUrl, { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  try {
    return await conn.collection('rating_heads').countDocuments({});
  } finally {
    await conn.close();
  }
}

/** Every CPF's latest stored score against the score computed now from A, B and C, as the engine computes it. */
async function checkCurrent(
  servers: ReturnType<typeof serversFromEnv>,
  set: Awaited<ReturnType<typeof openScaleSet>>['set'],
): Promise<{ same: number; total: number }> {
  const app = await openContext(servers, set);
  try {
    const cpfs = Array.from({ length: set.consumers }, (_, i) => Cpf.parse(cpfOf(i)));
    const now = new Date();
    const [debts, features, activity, heads] = await Promise.all([
      app.get(ConsumerRepository).debtsOf(cpfs),
      app.get(RatingFeaturesRepository).findMany(cpfs),
      app.get(TransactionStore).scoringActivityMany(cpfs, now),
      app.get(RatingRepository).headsOf(cpfs),
    ]);
    const scorer = app.get(CreditScorer);
    let same = 0;
    for (const cpf of cpfs) {
      const expected = scorer.score(
        buildScoringFacts(
          debts.get(cpf.value) ?? null,
          features.get(cpf.value)?.features ?? null,
          activity.get(cpf.value)!,
          now,
        ),
      );
      if (heads.get(cpf.value)?.score === expected.score) same += 1;
    }
    return { same, total: cpfs.length };
  } finally {
    await app.close();
  }
}

runMain(main);
