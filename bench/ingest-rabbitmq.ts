/**
 * Sustained ingestion over RabbitMQ by the compiled ingestion-worker, with a zero-loss check.
 * How it works: docs/benchmarks.md. Run: `npm run bench:ingest -- --help`.
 */
import 'reflect-metadata';
import { EXCHANGES, QUEUES, deadLetterQueue } from '@app/contracts';
import { Cpf } from '@app/shared-kernel';
import amqp from 'amqplib';
import Redis from 'ioredis';
import { cpus } from 'node:os';
import { parseArgs, runMain } from './lib/args';
import { fmt, fmtInt, median, table } from './lib/load';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoalescedRefresh, TRANSACTION_MAPPINGS } from '@app/adapters/elasticsearch';
import {
  CpuGroups,
  MACHINE,
  processShares,
  ROOT,
  STOLEN,
  Spawned,
  build,
  cpuBreakdown,
  runDistScript,
  sleep,
  spawnApp,
} from './lib/processes';
import { summarizeProfile } from './lib/profile';
import {
  cleanUp,
  createDatabase,
  createVhost,
  deleteVhost,
  dropDatabase,
  dropIndex,
  dropMongoDatabase,
  encryptionEnv,
  es,
  mongoUrlFor,
  redisCommandStats,
  redisUrlWithDb,
  serversFromEnv,
} from './lib/resources';

const USAGE = `usage: npm run bench:ingest -- [options]
  --events K          events to publish (default 200000)
  --batch B           events per message (default 500; the contract allows 1 to 1000)
  --cpfs N            distinct valid CPFs the events are spread over (default 3000)
  --window W          published messages awaiting their broker confirm at most (default 32)
  --rating-worker     also run rating-worker, which rescores the CPFs of every stored batch (off by default:
                      rescoring is a separate cost; these CPFs have no consumer data, so each rescore stops after its reads)
  --drain-rescore S   with --rating-worker: afterwards, wait up to S seconds for the rescore queue to empty and print
                      how fast the rating-worker rescored (messages and CPFs per second; default 0, no wait)
  --timeout S         give up waiting for the index after S seconds (default 150)
  --profile           CPU-profile the ingestion-worker from the first publish until all is stored, print where its time goes
  --es-ceiling        afterwards, bulk-index the same events straight into a scratch index (same mapping, batches of B,
                      32 at a time, as the worker's prefetch) with refresh=wait_for, with refresh=false followed by a
                      coalesced explicit _refresh (what the store does), and with refresh=false alone: what
                      Elasticsearch alone takes on this machine
  --build MODE        auto (default: npm run build when a source is newer than dist/), always or never
  --keep              keep the index, virtual host and databases for inspection`;

const opts = parseArgs(
  {
    events: 200_000,
    batch: 500,
    cpfs: 3000,
    window: 32,
    ratingWorker: false,
    drainRescore: 0,
    timeout: 150,
    profile: false,
    esCeiling: false,
    build: 'auto',
    keep: false,
  },
  USAGE,
);

const MERCHANTS: [string, string][] = [
  ['Supermercado Bom Preço', '5411'],
  ['Posto Avenida', '5541'],
  ['Farmácia Saúde', '5912'],
  ['Restaurante Sabor', '5812'],
  ['Loja Eletro', '5732'],
];
const OUT_KINDS = ['TRANSFER_OUT', 'BILL_PAYMENT', 'LOAN_PAYMENT', 'WITHDRAWAL'] as const;
const IN_KINDS = ['SALARY', 'TRANSFER_IN', 'DEPOSIT'] as const;

/** Small seeded PRNG so a run is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeCpfs(n: number, rnd: () => number): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    const base9 = String(100_000_000 + Math.floor(rnd() * 899_999_999));
    const cpf = base9 + Cpf.checkDigits(base9);
    if (Cpf.isValid(cpf)) out.add(cpf);
  }
  return [...out];
}

/** One batch of valid card purchases and financial movements, the occurrences spread over the last 90 days. */
function makeBatch(
  runId: string,
  batchNo: number,
  size: number,
  cpfs: string[],
  rnd: () => number,
  now: number,
): { body: Buffer; sum: number; count: number } {
  const events: Record<string, unknown>[] = [];
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const cpf = cpfs[Math.floor(rnd() * cpfs.length)]!;
    const eventId = `${runId}-${batchNo}-${i}`;
    const occurredAt = new Date(now - 3_600_000 - Math.floor(rnd() * 90 * 86_400_000)).toISOString();
    if (rnd() < 0.6) {
      const [merchant, mcc] = MERCHANTS[Math.floor(rnd() * MERCHANTS.length)]!;
      const amountCents = 100 + Math.floor(rnd() * 250_000);
      sum += amountCents;
      events.push({
        eventId,
        cpf,
        type: 'CARD_PURCHASE',
        occurredAt,
        merchant,
        mcc,
        amountCents,
        installments: 1 + Math.floor(rnd() * 6),
        approved: rnd() > 0.05,
        cardLast4: String(1000 + Math.floor(rnd() * 9000)),
      });
    } else {
      const incoming = rnd() < 0.4;
      const kind = incoming
        ? IN_KINDS[Math.floor(rnd() * IN_KINDS.length)]!
        : OUT_KINDS[Math.floor(rnd() * OUT_KINDS.length)]!;
      const amountCents = (incoming ? 1 : -1) * (500 + Math.floor(rnd() * 900_000));
      sum += amountCents;
      events.push({ eventId, cpf, type: 'FINANCIAL_MOVEMENT', occurredAt, kind, amountCents });
    }
  }
  return { body: Buffer.from(JSON.stringify({ batchId: `${runId}-${batchNo}`, events })), sum, count: size };
}

/**
 * What Elasticsearch alone takes: the same documents bulk-created into a scratch index with the store's mapping, one
 * bulk per message, 32 at a time (the worker's prefetch), with refresh=wait_for, with refresh=false and then the
 * store's coalesced explicit refresh (CoalescedRefresh, awaited per bulk), and with refresh=false and no refresh.
 */
async function esCeiling(esUrl: string, index: string, batches: Buffer[]): Promise<void> {
  const ndjson = batches.map((b) => {
    const { events } = JSON.parse(b.toString()) as { events: Record<string, unknown>[] };
    return {
      count: events.length,
      body: events
        .map((e) => `${JSON.stringify({ create: { _index: index, _id: e.eventId } })}\n${JSON.stringify(e)}\n`)
        .join(''),
    };
  });
  const total = ndjson.reduce((s, b) => s + b.count, 0);
  const rows: [string, string][] = [];
  for (const mode of ['wait_for', 'coalesced', 'false']) {
    const refresh = mode === 'wait_for' ? 'wait_for' : 'false';
    const refresher = new CoalescedRefresh(() => es(esUrl, 'POST', `/${index}/_refresh`));
    await es(esUrl, 'DELETE', `/${index}`);
    await es(esUrl, 'PUT', `/${index}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: TRANSACTION_MAPPINGS,
    });
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < ndjson.length) {
          const b = ndjson[next++]!;
          const res = await fetch(`${esUrl.replace(/\/$/, '')}/_bulk?refresh=${refresh}&filter_path=errors`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' },
            body: b.body,
          });
          const out = (await res.json()) as { errors?: boolean };
          if (!res.ok || out.errors) throw new Error(`direct bulk failed: ${res.status}`);
          if (mode === 'coalesced') await refresher.request();
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    await es(esUrl, 'POST', `/${index}/_refresh`);
    const count = Number((await es(esUrl, 'GET', `/${index}/_count`)).count ?? 0);
    const label = mode === 'coalesced' ? 'refresh=false + coalesced _refresh' : `refresh=${refresh}`;
    rows.push([
      `Elasticsearch alone, ${label}`,
      `${fmtInt(total / seconds)} events/s (${count} stored${mode === 'coalesced' ? `, ${refresher.started} refreshes` : ''})`,
    ]);
  }
  await es(esUrl, 'DELETE', `/${index}`);
  console.log('\nCeiling: the same bulks sent straight to Elasticsearch, 32 concurrent, no worker, no broker');
  console.log(table(['measure', 'value'], rows));
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = serversFromEnv();
  const stamp = Date.now();
  const runId = `bench${stamp}`;
  const index = `bench-${stamp}`;
  const pgName = `credit_${runId}`;
  const mongodbUrl = mongoUrlFor(servers.mongodbUrl, `credit_${runId}`);
  const apps: Spawned[] = [];
  const cleanups: [string, () => Promise<unknown>][] = [];
  let connection: amqp.ChannelModel | undefined;

  console.log(
    `ingest-rabbitmq benchmark ${runId}: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}`,
  );
  console.log(
    `  ${fmtInt(opts.events)} events in batches of ${opts.batch} over ${opts.cpfs} CPFs, confirm window ${opts.window} messages, rating-worker ${opts.ratingWorker ? 'ON' : 'off'}`,
  );
  const idle = cpuBreakdown({});
  await sleep(1000);
  const background = idle();
  console.log(`  machine before the run: ${fmt(background[MACHINE] ?? 0, 0)}% of ${cpus().length * 100}% CPU busy`);
  try {
    build(opts.build);
    // --- per-run places on the shared servers ---------------------------------------------------------------------
    const t = Date.now();
    const databaseUrl = await createDatabase(servers.databaseUrl, pgName);
    const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, runId);
    if (!opts.keep) {
      cleanups.push(
        ['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, runId)],
        ['delete Elasticsearch index', () => dropIndex(servers.elasticsearchUrl, index)],
        ['delete the scratch index of --es-ceiling', () => es(servers.elasticsearchUrl, 'DELETE', `/${index}-direct`)],
        ['drop PostgreSQL database', () => dropDatabase(servers.databaseUrl, pgName)],
        ['drop MongoDB database', () => dropMongoDatabase(mongodbUrl)],
      );
    }
    const env: NodeJS.ProcessEnv = {
      ...encryptionEnv(),
      DATABASE_URL: databaseUrl,
      MONGODB_URL: mongodbUrl,
      ELASTICSEARCH_URL: servers.elasticsearchUrl,
      ELASTICSEARCH_INDEX: index,
      REDIS_URL: redisUrlWithDb(servers.redisUrl, 11),
      RABBITMQ_URL: rabbitmqUrl,
      DEMO_CONSUMERS: '0',
    };
    runDistScript('db-migrate', [], env);
    console.log(
      `setup: index ${index}, vhost ${runId}, database ${pgName}, Mongo credit_${runId} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    // --- the workers, each its own process ---------------------------------------------------------------------------
    const t0 = Date.now();
    const profileFile = join(ROOT, 'bench/.profiles', `${runId}-ingestion-worker.cpuprofile`);
    if (opts.profile) mkdirSync(join(ROOT, 'bench/.profiles'), { recursive: true });
    const starting = [
      opts.profile
        ? spawnApp(
            'ingestion-worker',
            { ...env, BENCH_CPU_PROFILE: profileFile },
            /ingestion-worker consuming/,
            90_000,
            ['-r', './bench/lib/cpu-profile-hook.js'],
          )
        : spawnApp('ingestion-worker', env, /ingestion-worker consuming/, 90_000),
    ];
    if (opts.ratingWorker) starting.push(spawnApp('rating-worker', env, /rating-worker consuming/, 90_000));
    const results = await Promise.allSettled(starting);
    for (const r of results) if (r.status === 'fulfilled') apps.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    console.log(`start: ${apps.map((a) => a.name).join(' and ')} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // --- the events, made before the clock starts
    // ---------------------------------------------------------------------
    const rnd = rng(stamp % 2_147_483_647);
    const cpfs = makeCpfs(opts.cpfs, rnd);
    const now = Date.now();
    const batches: Buffer[] = [];
    let sentSum = 0;
    let sentCount = 0;
    for (let b = 0; sentCount < opts.events; b++) {
      const size = Math.min(opts.batch, opts.events - sentCount);
      const batch = makeBatch(runId, b, size, cpfs, rnd, now);
      batches.push(batch.body);
      sentSum += batch.sum;
      sentCount += batch.count;
    }
    const bytes = batches.reduce((s, b) => s + b.length, 0);
    console.log(
      `events: ${fmtInt(sentCount)} in ${batches.length} messages (${fmt(bytes / batches.length / 1024, 0)} KiB each), sum of amountCents ${sentSum}`,
    );

    // --- publish as a partner: persistent, mandatory, on a confirm channel with a bounded window ---------------------
    connection = await amqp.connect(rabbitmqUrl);
    const channel = await connection.createConfirmChannel();
    let returned = 0;
    channel.on('return', () => (returned += 1));
    let inFlight = 0;
    let nacked = 0;
    let wake: (() => void) | null = null;
    const settle = () => {
      inFlight -= 1;
      wake?.();
    };
    const redis = new Redis(redisUrlWithDb(servers.redisUrl, 11));
    const redisBefore = await redisCommandStats(redis);
    const appPids = Object.fromEntries(apps.map((a) => [a.name, a.pid]));
    const meter = cpuBreakdown(appPids);
    if (opts.profile) apps[0]!.process.kill('SIGWINCH');
    const firstPublish = performance.now();
    // user_id names the broker user, which RabbitMQ checks and the worker records as the events' source.
    const userId = decodeURIComponent(new URL(rabbitmqUrl).username || 'guest');
    for (let i = 0; i < batches.length; i++) {
      while (inFlight >= opts.window) await new Promise<void>((r) => (wake = r));
      inFlight += 1;
      const ok = channel.publish(
        EXCHANGES.commands,
        QUEUES.ingestTransactions,
        batches[i]!,
        {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          messageId: `${runId}-${i}`,
          correlationId: `${runId}-${i}`,
          userId,
        },
        (error) => {
          if (error) nacked += 1;
          settle();
        },
      );
      if (!ok) await new Promise<void>((r) => channel.once('drain', () => r()));
    }
    await channel.waitForConfirms();
    const allConfirmed = performance.now();
    const publishSeconds = (allConfirmed - firstPublish) / 1000;
    console.log(
      `publish: ${batches.length} messages confirmed in ${fmt(publishSeconds, 2)} s (${fmtInt(sentCount / publishSeconds)} events/s), ${nacked} nacked, ${returned} returned unroutable`,
    );

    // --- wait until the index holds every event
    // -----------------------------------------------------------------------
    const deadline = firstPublish + opts.timeout * 1000;
    let stored = 0;
    let storedAt = NaN;
    const progress: [number, number][] = [];
    while (performance.now() < deadline) {
      const c = await es(servers.elasticsearchUrl, 'GET', `/${index}/_count`);
      stored = Number(c.count ?? 0);
      progress.push([(performance.now() - firstPublish) / 1000, stored]);
      if (stored >= sentCount) {
        storedAt = performance.now();
        break;
      }
      await sleep(200);
    }
    const cpu: CpuGroups = meter();
    const redisAfter = await redisCommandStats(redis);
    redis.disconnect();
    const redisCalls = [...redisAfter]
      .map(([c, n]) => [c, n - (redisBefore.get(c) ?? 0)] as const)
      .filter(([, n]) => n >= batches.length / 10)
      .sort((a, b) => b[1] - a[1]);
    if (opts.profile) apps[0]!.process.kill('SIGWINCH');
    const seconds = (storedAt - firstPublish) / 1000;
    await es(servers.elasticsearchUrl, 'POST', `/${index}/_refresh`);
    const finalCount = Number((await es(servers.elasticsearchUrl, 'GET', `/${index}/_count`)).count ?? 0);
    const agg = await es(servers.elasticsearchUrl, 'POST', `/${index}/_search`, {
      size: 0,
      track_total_hits: true,
      aggs: { cents: { sum: { field: 'amountCents' } } },
    });
    const storedSum = Number(agg.aggregations?.cents?.value ?? NaN);
    // How the store made the events readable: explicit refreshes (one per few batches when coalesced), periodic ones,
    // merges.
    const stats =
      (await es(servers.elasticsearchUrl, 'GET', `/${index}/_stats/refresh,merge,segments`))._all?.primaries ?? {};
    const queues = await Promise.all(
      [QUEUES.ingestTransactions, deadLetterQueue(QUEUES.ingestTransactions), QUEUES.rescoreConsumers].map(
        async (q) => [q, (await channel.checkQueue(q)).messageCount] as const,
      ),
    );

    // --- report
    // -----------------------------------------------------------------------------------------------------------
    const steady = (() => {
      // Rate between 10% and 90% stored: leaves out the ramp-up (first batches in flight) and the tail.
      const at = (fraction: number) => progress.find(([, n]) => n >= fraction * sentCount);
      const lo = at(0.1);
      const hi = at(0.9);
      return lo && hi && hi[0] > lo[0] ? (hi[1] - lo[1]) / (hi[0] - lo[0]) : NaN;
    })();
    console.log(
      `\nIngestion over RabbitMQ: ${fmtInt(sentCount)} events, batches of ${opts.batch}, ingestion-worker prefetch 32${opts.ratingWorker ? ', rating-worker on' : ''}`,
    );
    console.log(
      table(
        ['measure', 'value'],
        [
          [
            'sustained events/s (first publish → all stored)',
            Number.isFinite(seconds) ? fmtInt(sentCount / seconds) : `not reached in ${opts.timeout} s`,
          ],
          ['time first publish → all stored', Number.isFinite(seconds) ? `${fmt(seconds, 2)} s` : '-'],
          ['steady events/s (10% → 90% stored)', fmtInt(steady)],
          ['publish rate, events/s (first publish → last confirm)', fmtInt(sentCount / publishSeconds)],
          ['stored count (after _refresh) / sent', `${fmtInt(finalCount)} / ${fmtInt(sentCount)}`],
          ['sum of amountCents stored / sent', `${storedSum} / ${sentSum}`],
          ['broker: nacked / returned', `${nacked} / ${returned}`],
          [
            'index refreshes: explicit (by the store, + 1 by this script) / all',
            `${fmtInt(stats.refresh?.external_total ?? NaN)} / ${fmtInt(stats.refresh?.total ?? NaN)}`,
          ],
          [
            'index merges / segments at the end',
            `${fmtInt(stats.merges?.total ?? NaN)} / ${fmtInt(stats.segments?.count ?? NaN)}`,
          ],
          ...queues.map(([q, n]) => [`messages left in ${q}`, fmtInt(n)] as [string, string]),
        ],
      ),
    );
    const lossless = finalCount === sentCount && storedSum === sentSum && nacked === 0 && returned === 0;
    // Documents are created with _id = eventId and every eventId sent is unique, so equal counts mean each event is
    // stored exactly once.
    console.log(
      `zero loss: ${lossless ? 'YES' : 'NO'} (count ${finalCount === sentCount ? 'equal' : 'DIFFERS'}, sum ${storedSum === sentSum ? 'equal' : 'DIFFERS'}; _id = eventId, all ${fmtInt(sentCount)} eventIds unique)`,
    );
    console.log(
      `CPU while ingesting, % of one core (machine has ${cpus().length * 100}%): ${processShares(cpu)}; machine busy ${fmt(cpu[MACHINE] ?? 0, 0)}, stolen by the host ${fmt(cpu[STOLEN] ?? 0, 0)}`,
    );
    console.log(
      `Redis commands while ingesting (server-wide counters), per message: ${redisCalls.map(([c, n]) => `${c} ${fmt(n / batches.length, 1)}`).join(', ') || 'none'}`,
    );
    if (opts.ratingWorker && opts.drainRescore > 0) {
      // Each stored batch queues one rescore message with the batch's distinct CPFs.
      const cpfsPerMessage = median(
        batches.map(
          (b) =>
            new Set((JSON.parse(b.toString()) as { events: Array<{ cpf: string }> }).events.map((e) => e.cpf)).size,
        ),
      );
      const left = async () => (await channel.checkQueue(QUEUES.rescoreConsumers)).messageCount;
      const from = Date.now();
      const leftAtStart = await left();
      const drainMeter = cpuBreakdown(appPids);
      let now = leftAtStart;
      while (now > 0 && Date.now() - from < opts.drainRescore * 1000) {
        await sleep(500);
        now = await left();
      }
      const drainCpu = drainMeter();
      const s = (Date.now() - from) / 1000;
      const done = leftAtStart - now;
      console.log(
        `rescore drain: ${fmtInt(done)} of ${fmtInt(leftAtStart)} queued messages in ${fmt(s, 1)} s${now > 0 ? ` (gave up, ${fmtInt(now)} left)` : ''}: ${fmt(done / s, 2)} messages/s, ~${fmtInt((done * cpfsPerMessage) / s)} CPFs/s (median ${fmtInt(cpfsPerMessage)} distinct CPFs per message; the last message may still be in progress). CPU, % of one core: ${processShares(drainCpu)}; machine busy ${fmt(drainCpu[MACHINE] ?? 0, 0)}`,
      );
    }
    console.log(
      `target 20,000 events/s: ${Number.isFinite(seconds) && sentCount / seconds >= 20_000 ? 'MET' : 'NOT MET'}`,
    );
    if (opts.profile) {
      for (let i = 0; i < 100 && !existsSync(profileFile); i++) await sleep(100);
      await sleep(500);
      const p = summarizeProfile(profileFile);
      console.log(
        `\nCPU profile of the ingestion-worker while ingesting (${fmt(p.busyMs / 1000, 1)} s busy of ${fmt(p.totalMs / 1000, 1)} s), self time by origin:`,
      );
      console.log(
        table(
          ['origin', '% of busy', 'µs per event'],
          p.categories.map(([c, ms]) => [c, fmt((ms / p.busyMs) * 100, 1), fmt((ms * 1000) / sentCount, 2)]),
        ),
      );
      console.log('\nheaviest functions (self time):');
      console.log(
        table(
          ['function', '% of busy'],
          p.functions.slice(0, 15).map(([f, ms]) => [f.slice(0, 110), fmt((ms / p.busyMs) * 100, 1)]),
        ),
      );
      console.log(`profile: ${profileFile}`);
    }
    if (opts.esCeiling) await esCeiling(servers.elasticsearchUrl, `${index}-direct`, batches);
    if (!lossless) process.exitCode = 1;
  } finally {
    await connection?.close().catch(() => undefined);
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    const bad = codes.filter(([, code]) => code !== 0 && code !== null);
    if (bad.length)
      console.error(
        `workers that did not exit cleanly: ${bad.map(([n, c]) => `${n} (${c})`).join(', ')}\n${apps.map((a) => a.output().slice(-1500)).join('\n')}`,
      );
    if (opts.keep) console.log(`kept: index ${index}, vhost ${runId}, database ${pgName}, Mongo credit_${runId}`);
    await cleanUp(cleanups);
    console.log(`\ntotal run time ${((Date.now() - started) / 1000).toFixed(0)} s, clean-up included`);
  }
}

runMain(main);
