/**
 * The cached analysis read against three baselines, in one run on the same Redis.
 * How it works: docs/benchmarks.md. Run: `npm run bench:cached -- --help`.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import Redis from 'ioredis';
import { generateDemoConsumers } from '@app/credit-application';
import { redisJournals } from '@app/adapters/redis';
import { parseArgs, runMain } from './lib/args';
import {
  LatencyHistogram,
  Measurement,
  autocannonAtRate,
  fmt,
  fmtInt,
  median,
  paced,
  pacedInTurns,
  saturate,
  table,
} from './lib/load';
import {
  build,
  cpuBreakdown,
  CpuGroups,
  freePort,
  isProcessGroup,
  MACHINE,
  pinToOwnCore,
  processShares,
  reniceAll,
  STOLEN,
  ROOT,
  runDistScript,
  sleep,
  spawnApp,
  spawnNode,
  Spawned,
  spawnTs,
  waitForQuiet,
} from './lib/processes';
import { deployedApiNodeFlags } from './lib/deployed-api';
import { dependencyProbes } from './lib/probes';
import { stageShares, summarizeHeapProfile, summarizeProfile } from './lib/profile';
import { dropDataSet, deleteRecordedInquiries, markLoaded, openDataSet, urlsOf } from './lib/dataset';
import {
  auditEntries,
  cleanUp,
  createVhost,
  deleteVhost,
  es,
  pgStats,
  redisCommandStats,
  redisUrlWithDb,
  serversFromEnv,
} from './lib/resources';

const USAGE = `usage: npm run bench:cached -- [options]
  --cpfs N            demo CPFs rotated round-robin (default 2000)
  --duration S        seconds per measured round under saturation (default 10)
  --warmup S          seconds of warm-up load per server before its first round (default 3)
  --rounds N          rounds per server, interleaved a/b/c; medians are reported (default 3)
  --connections N     autocannon connections (default 100)
  --rate R            fixed moderate rate for the latency table, req/s, the same for all three; 'auto' (default) is half
                      the slowest server's saturated median, rounded down to 100 and at most 2000; 0 skips the table
  --rate-duration S   seconds at the fixed rate, per server and round (default 10)
  --rate-rounds N     rounds at the fixed rate, interleaved like the saturated ones (default 5); the table shows medians
                      and the p99 of every answer of all rounds pooled, which the verdict against (y) takes
  --rate-tool T       paced (open loop, default) or autocannon (overallRate; bursty, for comparison)
  --rate-turn S       paced, with the relay stopped at the rate or not measured: within each round the servers take
                      turns of S seconds on one schedule (default 1), so that the machine's own bursts land on all of
                      them alike; 0 runs each server's round after the other's, as --pin-at-rate and a running relay do
  --servers LIST      which of a,b,c,y,m to run (default a,b,c,y); m is our API again, on the same data, Redis and
                      relay worker as (a), with METRICS_ENABLED=false unless --m-metrics on: a,m measures what
                      recording metrics costs, and with --m-node-flags what a runtime setting does, in the same turns
  --relays WHERE      worker (default, as docker-compose deploys it): the API runs with RUN_JOURNAL_RELAYS=false and a
                      compiled ingestion-worker relays the audit and inquiry journals; api: the API relays them itself
  --gc                start the API with --trace-gc and print its garbage-collection pauses in each fixed-rate round
                      (the tail at a moderate rate is where a pause shows)
  --node-flags "F"    V8/Node flags for the API's process, after those it is deployed with (start:prod's, e.g.
                      --no-memory-reducer), e.g. "--single-threaded-gc" or "--max-semi-space-size=32"
  --m-metrics M       off (default) or on: whether (m) records metrics
  --m-node-flags "F"  all of (m)'s V8/Node flags, in place of (a)'s (deployed + --node-flags; "" for Node's defaults):
                      a,m,y --m-metrics on --m-node-flags "" compares the deployment with Node's defaults, and
                      "--no-memory-reducer --v8-pool-size=1" a setting more, each against (y), in the same turns
  --y-node-flags "F"  V8/Node flags for the yardstick's process (default none), to see what a setting does for it
  --relay-in-rounds M what the relay worker does during (a)'s saturated rounds: run (default), or stop (SIGSTOP, resumed
                      after each round and its backlog drained and checked before the next server runs): (a) then has
                      the machine (y) has, as when the relays run on other hosts
  --relay-at-rate M   what the relay worker does during (a)'s fixed-rate phase: run (default), or stop (SIGSTOP, resumed
                      afterwards, its backlog then drained) to see how much of (a)'s tail its bursts cause
  --relay-nice N      nice value (-20..19) for every thread of the relay worker for the whole run (default 0): with 19 the
                      relay and the store writes it causes only get what the API leaves idle, and its journals lag
                      during a saturated round instead (the backlog's drain time is printed after the rounds)
  --pin-at-rate       during each server's fixed-rate phase, give its process the last CPU to itself and move every
                      other process (servers, relay, this load generator) to the others; undone after the phase.
                      Shows how much of the tail is waiting for a shared core (what a dedicated core would buy)
  --heap-profile      sample what the API allocates during the fixed-rate phase that survives young-generation
                      collections (V8's sampling heap profiler) and print where it was allocated
  --allocations       with --heap-profile, sample every allocation, not only what survives a scavenge: what makes
                      scavenges frequent, by allocation site
  --profile           afterwards, CPU-profile our API for one more saturated round and print where its time goes
  --build MODE        auto (default: npm run build when a source is newer than dist/), always or never
  --redis-db N        Redis logical database used by all three servers (default 11)
  --ttl S             ANALYSIS_TTL_SECONDS of the API, long enough that nothing expires mid-run (default 3600)
  --fresh             load a new demo data set even if a kept one exists (the load takes ~1.5 min for 2,000 CPFs)
  --drop-data         remove the kept demo data set at the end (PostgreSQL and MongoDB databases, Elasticsearch index)

The demo data set of the API (its own PostgreSQL database, MongoDB database and Elasticsearch index, named in
bench/.data/, git-ignored, with the random field-encryption keys it was written with) is kept between runs, since
loading it dominates the run time; the inquiries a run records are deleted afterwards, so every run serves the same
documents. The RabbitMQ virtual host and the Redis keys are per run.`;

const opts = parseArgs(
  {
    cpfs: 2000,
    duration: 10,
    warmup: 3,
    rounds: 3,
    connections: 100,
    rate: 'auto',
    rateDuration: 10,
    rateRounds: 5,
    rateTool: 'paced',
    rateTurn: 1,
    servers: 'a,b,c,y',
    relays: 'worker',
    gc: false,
    nodeFlags: '',
    mMetrics: 'off',
    mNodeFlags: 'same',
    yNodeFlags: '',
    relayAtRate: 'run',
    relayInRounds: 'run',
    relayNice: 0,
    pinAtRate: false,
    heapProfile: false,
    allocations: false,
    profile: false,
    build: 'auto',
    redisDb: 11,
    ttl: 3600,
    fresh: false,
    dropData: false,
  },
  USAGE,
);

type Key = 'a' | 'b' | 'c' | 'y' | 'm';
const flagsOf = (text: string) => text.split(/\s+/).filter(Boolean);
/** (a)'s runtime flags: those it is deployed with, and --node-flags. */
const A_FLAGS = [...deployedApiNodeFlags(), ...flagsOf(opts.nodeFlags)];
/** (m)'s: (a)'s, or --m-node-flags in their place. */
const M_FLAGS = opts.mNodeFlags === 'same' ? A_FLAGS : flagsOf(opts.mNodeFlags);
const LABEL: Record<Key, string> = {
  a: `(a) our API (Nest+Fastify, auth, rate limit, audit, inquiry${A_FLAGS.length ? `; ${A_FLAGS.join(' ')}` : ''})`,
  b: '(b) bare Fastify 5 + ioredis GET (ceiling)',
  c: '(c) Nest+Express + CacheInterceptor (Keyv/ioredis-yet)',
  y: '(y) same-work yardstick (Fastify, one Lua step)',
  m: `(m) our API, metrics ${opts.mMetrics}, ${M_FLAGS.length ? M_FLAGS.join(' ') : "Node's default flags"}`,
};
const NAME: Record<Key, string> = {
  a: 'api',
  b: 'fastify-redis',
  c: 'nest-express-cache',
  y: 'fastify-redis-audited',
  m: 'api-m',
};
/** Where (y) keeps its rate windows and journals; they are dropped after each of its rounds, as a relay would. */
const YARDSTICK_PREFIX = 'bench-audited:';
const RAW_PREFIX = 'bench:raw:';
const PURPOSE = 'CREDIT_GRANTING';

/** Parts of our API's request path, by the compiled files and packages their frames come from. */
const API_STAGES: [string, string[]][] = [
  [
    "cached-read fast lane (the server's handler and its HTTP answer)",
    [
      'http/fast-lane.js',
      'credit-analyses/cached-analysis.fast-path.js',
      'credit-analyses/analysis-read.http.js',
      'http/http-answer.js',
    ],
  ],
  [
    '  the analysis-read policy (key, scope, purpose, CPF, audit entry sealed)',
    ['analysis-reads/analysis-read.policy.js'],
  ],
  ['  one Redis step: count, read, journal (Lua)', ['redis-cached-analysis.reads.js']],
  [
    'journal relays (Redis streams to the audit log and C), when the API relays',
    ['redis-journal-relay.js', 'redis-audit-journal.js', 'redis-inquiry-journal.js'],
  ],
  ['security headers (onSend hook)', ['auth/security-headers.js']],
  ['AccessGuard (API key, rate limit, purpose)', ['auth/access.guard.js']],
  ['  rate limiter: Redis MULTI/INCR/PEXPIRE/EXEC', ['redis-rate-limiter.js']],
  ['  API key check (sha256, timing-safe compare)', ['access/api-keys.service.js', 'access/api-key.js']],
  ['AuditInterceptor (wraps the handler, awaits the audit write)', ['auth/audit.interceptor.js']],
  ['  audit log writer (hash chain, PostgreSQL transaction)', ['audit/typeorm-audit-log.js']],
  ['query handler (cache read, inquiry)', ['get-credit-analysis.handler.js']],
  [
    'cache read: cache-manager, Keyv, ioredis-yet (telejson)',
    [
      'redis-analysis.cache.js',
      'node_modules/cache-manager',
      'node_modules/keyv',
      'node_modules/@keyv',
      'node_modules/telejson',
    ],
  ],
  [
    'inquiry recording (journal, or buffer and Elasticsearch bulk)',
    ['inquiry-recorder', 'redis-inquiry-journal.js', 'elasticsearch-transaction.store.js', 'node_modules/@elastic'],
  ],
  ['PostgreSQL driver (pg)', ['node_modules/pg/', 'node_modules/pg-protocol']],
  ['ioredis (all Redis I/O)', ['node_modules/ioredis']],
  ['@nestjs/core (router, guards, interceptors, pipes)', ['node_modules/@nestjs/core']],
  ['@nestjs/cqrs (QueryBus)', ['node_modules/@nestjs/cqrs']],
  ['rxjs', ['node_modules/rxjs']],
  [
    'fastify',
    ['node_modules/fastify/', 'node_modules/find-my-way', 'node_modules/avvio', 'node_modules/light-my-request'],
  ],
];

interface Swept {
  status: Map<number, number>;
  cache: Map<string, number>;
  bodies: string[];
}

/** GETs every path once (bounded concurrency) and keeps status, X-Cache and body of each. */
async function sweep(base: string, paths: string[], headers: Record<string, string>, concurrency = 16): Promise<Swept> {
  const out: Swept = { status: new Map(), cache: new Map(), bodies: new Array<string>(paths.length) };
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const res = await fetch(base + paths[i], { headers });
      out.bodies[i] = await res.text();
      out.status.set(res.status, (out.status.get(res.status) ?? 0) + 1);
      const xc = res.headers.get('x-cache') ?? '-';
      out.cache.set(xc, (out.cache.get(xc) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

const show = (m: Map<string | number, number>) => [...m.entries()].map(([k, v]) => `${k}: ${v}`).join(', ');

async function indexStats(esUrl: string, index: string): Promise<{ searches: number; indexed: number }> {
  const s = await es(esUrl, 'GET', `/${index}/_stats/search,indexing`);
  const total = s.indices?.[index]?.total;
  return { searches: Number(total?.search?.query_total ?? 0), indexed: Number(total?.indexing?.index_total ?? 0) };
}

/**
 * The servers in the order round `r` runs them: each round starts with the next one, so that no server always goes
 * first (docs/benchmarks.md says what the order did to two copies of the API), and every other round runs the cycle
 * backwards, so that with three servers taking turns none always follows the same one.
 */
function startingWith<T>(order: readonly T[], r: number): T[] {
  const step = r % 2 === 0 ? 1 : order.length - 1;
  return order.map((_, i) => order[(r + i * step) % order.length]!);
}

/** Sums the pauses of `node --trace-gc` lines by kind (Scavenge, Mark-Compact…). */
function gcPauses(log: string): string {
  const byKind = new Map<string, number[]>();
  for (const [, kind, pause] of log.matchAll(
    /ms: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)\b[^\n]*?MB, ([\d.]+) \//g,
  )) {
    byKind.set(kind!, [...(byKind.get(kind!) ?? []), Number(pause)]);
  }
  if (byKind.size === 0) return 'none logged';
  return [...byKind]
    .map(
      ([kind, p]) =>
        `${kind} ${p.length}×, ${fmt(
          p.reduce((a, b) => a + b, 0),
          1,
        )} ms in all, longest ${fmt(Math.max(...p), 1)} ms`,
    )
    .join('; ');
}

type Round = Measurement & { cpu: CpuGroups };
const sumCpu = (g: CpuGroups) =>
  Object.entries(g)
    .filter(([k]) => isProcessGroup(k))
    .reduce((a, [, v]) => a + v, 0);

/** Each figure's median over the rounds (errors summed): the fixed-rate table's row for one server. */
function medianRound(rounds: Round[]): Round {
  const of = (f: (m: Round) => number) => median(rounds.map(f));
  const cpuKeys = new Set(rounds.flatMap((m) => Object.keys(m.cpu)));
  const cpu = Object.fromEntries([...cpuKeys].map((key) => [key, of((m) => m.cpu[key] ?? 0)]));
  return {
    ...rounds[0]!,
    reqPerSec: of((m) => m.reqPerSec),
    requests: rounds.reduce((a, m) => a + m.requests, 0),
    p50: of((m) => m.p50),
    p90: of((m) => m.p90),
    p99: of((m) => m.p99),
    max: of((m) => m.max),
    non200: rounds.reduce((a, m) => a + m.non200, 0),
    errors: rounds.reduce((a, m) => a + m.errors, 0),
    sendLagP99: of((m) => m.sendLagP99 ?? NaN),
    cpu,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = serversFromEnv();
  const which = opts.servers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as Key[];
  if (which.some((k) => !['a', 'b', 'c', 'y', 'm'].includes(k)) || which.length === 0)
    throw new Error(`--servers must list a, b, c, y and/or m\n${USAGE}`);
  if (which.includes('m') && !which.includes('a'))
    throw new Error('--servers m runs beside a (it shares its data and relay worker)');
  if (opts.rate !== 'auto' && !(Number(opts.rate) >= 0))
    throw new Error('--rate must be auto or a number of requests per second');
  if (!['worker', 'api'].includes(opts.relays)) throw new Error('--relays must be worker or api');
  if (!['on', 'off'].includes(opts.mMetrics)) throw new Error('--m-metrics must be on or off');
  if (!['run', 'stop'].includes(opts.relayAtRate)) throw new Error('--relay-at-rate must be run or stop');
  if (!['run', 'stop'].includes(opts.relayInRounds)) throw new Error('--relay-in-rounds must be run or stop');
  if (!(opts.rateTurn >= 0) || (opts.rateTurn > 0 && !Number.isInteger(opts.rateDuration / opts.rateTurn)))
    throw new Error('--rate-turn must be 0 or divide --rate-duration, so that every server gets the same time');
  const stamp = Date.now();
  const runId = `bench${stamp}`;
  const redisUrl = redisUrlWithDb(servers.redisUrl, opts.redisDb);
  const redis = new Redis(redisUrl);
  const spawned = new Map<Key, Spawned>();
  /** The compiled ingestion-worker that relays the journals for (a) when --relays worker. */
  let relayWorker: Spawned | undefined;
  const cleanups: [string, () => Promise<unknown>][] = [];
  const journalKeys = [
    ...redisJournals.audit('credit', 'standalone').shards,
    ...redisJournals.inquiry('credit', 'standalone').shards,
  ].map((s) => s.key);
  const journalLength = async () =>
    (await Promise.all(journalKeys.map((k) => redis.xlen(k)))).reduce((a, b) => a + b, 0);
  /** Waits until the relays have delivered every journalled audit entry and inquiry; returns how long that took. */
  const drainJournal = async (): Promise<number> => {
    const t = Date.now();
    while ((await journalLength()) > 0) {
      if (Date.now() - t > 300_000) throw new Error('the journals did not drain within 5 minutes');
      await sleep(100);
    }
    return (Date.now() - t) / 1000;
  };
  const auditRounds: {
    served: number;
    audited: number;
    backlog: number;
    drainSeconds: number;
    relayPerSecond: number;
  }[] = [];
  let auditedReads = async () => 0;
  const clearRedis = async () => {
    // Only what the three servers write, in the benchmark's own logical database.
    for (const pattern of ['credit:*', 'ratelimit:*', `${RAW_PREFIX}*`, 'bench-express:*', `${YARDSTICK_PREFIX}*`]) {
      let cursor = '0';
      do {
        const [nextCursor, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = nextCursor;
        if (found.length) await redis.unlink(...found);
      } while (cursor !== '0');
    }
  };

  console.log(
    `cached-analysis benchmark ${runId}: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, autocannon ${require('autocannon/package.json').version}`,
  );
  console.log(
    `  ${opts.cpfs} CPFs round-robin, ${opts.connections} connections, no pipelining, ${opts.rounds} × ${opts.duration} s after ${opts.warmup} s warm-up; fixed rate ${opts.rate} req/s × ${opts.rateDuration} s (${opts.rateTool})`,
  );
  console.log(
    `  Redis ${redisUrl} (logical db ${opts.redisDb} of the shared server); journals relayed by ${opts.relays === 'worker' ? 'a compiled ingestion-worker (the API runs with RUN_JOURNAL_RELAYS=false)' : 'the API itself'}`,
  );
  const idle = cpuBreakdown({});
  await sleep(1000);
  const background = idle();
  console.log(
    `  machine before the run: ${fmt(background[MACHINE] ?? 0, 0)}% of ${cpus().length * 100}% CPU busy (${
      Object.entries(background)
        .filter(([k, v]) => v >= 5 && isProcessGroup(k))
        .map(([k, v]) => `${k} ${fmt(v, 0)}%`)
        .join(', ') || 'nothing over 5%'
    })`,
  );
  try {
    build(opts.build);
    await clearRedis();
    const cpfs = generateDemoConsumers(opts.cpfs, new Date()).map((d) => d.consumer.cpf);
    const paths = cpfs.map((c) => `/v1/credit-analyses/${c}`);
    const ports: Record<Key, number> = {
      a: await freePort(),
      b: await freePort(),
      c: await freePort(),
      y: await freePort(),
      m: await freePort(),
    };
    const base = (k: Key) => `http://127.0.0.1:${ports[k]}`;

    // --- (a) our API: kept demo data set, per-run virtual host ----------------------------------------------------
    let apiKey = '';
    let apiEnv: NodeJS.ProcessEnv = {};
    let pgName = '';
    let esIndex = '';
    let markSetLoaded = () => undefined as void;
    if (which.includes('a')) {
      const t = Date.now();
      const { set, reused } = await openDataSet(servers, opts.cpfs, opts.fresh);
      pgName = set.pgName;
      esIndex = set.esIndex;
      markSetLoaded = () => markLoaded(set);
      const { databaseUrl, mongodbUrl } = urlsOf(servers, set);
      if (reused) {
        const leftover = await deleteRecordedInquiries(servers.elasticsearchUrl, set.esIndex);
        if (leftover) console.log(`setup: deleted ${leftover} inquiries an earlier run left in ${set.esIndex}`);
      }
      const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, runId);
      cleanups.push(['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, runId)]);
      // After the API has stopped (its inquiry recorder flushes on shutdown): the next run serves the same documents.
      cleanups.push([
        'delete the inquiries this run recorded',
        async () =>
          console.log(
            `clean-up: deleted ${await deleteRecordedInquiries(servers.elasticsearchUrl, set.esIndex)} recorded inquiries from ${set.esIndex}`,
          ),
      ]);
      if (opts.dropData)
        cleanups.push([
          'drop the demo data set',
          async () => {
            await dropDataSet(servers, set);
            console.log(`clean-up: dropped ${set.pgName}, Mongo ${set.mongoName}, ${set.esIndex}`);
          },
        ]);
      apiEnv = {
        ...set.keys,
        DATABASE_URL: databaseUrl,
        MONGODB_URL: mongodbUrl,
        ELASTICSEARCH_URL: servers.elasticsearchUrl,
        ELASTICSEARCH_INDEX: set.esIndex,
        REDIS_URL: redisUrl,
        RABBITMQ_URL: rabbitmqUrl,
        PORT: String(ports.a),
        HOST: '127.0.0.1',
        DEMO_CONSUMERS: String(opts.cpfs),
        // The default 600/min would answer 429 within a second; the maximum keeps the limiter (and its Redis round
        // trip) on the path.
        RATE_LIMIT_PER_MINUTE: '10000000',
        ANALYSIS_TTL_SECONDS: String(opts.ttl),
        RUN_JOURNAL_RELAYS: opts.relays === 'worker' ? 'false' : 'true',
      };
      runDistScript('db-migrate', [], apiEnv);
      const created = runDistScript(
        'api-keys',
        ['create', '--name', `bench-${stamp}`, '--scopes', 'analysis:read'],
        apiEnv,
      );
      apiKey = /cak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created)?.[0] ?? '';
      if (!apiKey) throw new Error(`no API key in the output of npm run apikey:\n${created}`);
      cleanups.push([
        'revoke the API key',
        async () => runDistScript('api-keys', ['revoke', apiKey.split('_')[1]!], apiEnv),
      ]);
      auditedReads = () => auditEntries(databaseUrl, `bench-${stamp}`);
      console.log(
        `setup: ${reused ? 'kept' : 'new'} data set (database ${set.pgName}, Mongo ${set.mongoName}, index ${set.esIndex}), vhost ${runId}, migrated, API key made in ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    const headers = { 'x-api-key': apiKey || 'cak_unused', 'x-purpose': PURPOSE };

    // --- start the servers (the two baselines start while the API loads) --------------------------------------------
    const t0 = Date.now();
    const starting: Promise<void>[] = [];
    const profileFile = join(ROOT, 'bench/.profiles', `${runId}-api.cpuprofile`);
    const relayProfileFile = join(ROOT, 'bench/.profiles', `${runId}-relay-worker.cpuprofile`);
    const heapProfileFile = join(ROOT, 'bench/.profiles', `${runId}-api.heapprofile`);
    const yardstickProfileFile = join(ROOT, 'bench/.profiles', `${runId}-yardstick.cpuprofile`);
    if (which.includes('a')) {
      const flags = [
        ...(opts.profile ? ['-r', './bench/lib/cpu-profile-hook.js'] : []),
        ...(opts.gc ? ['--trace-gc'] : []),
        ...(opts.heapProfile ? ['-r', './bench/lib/heap-profile-hook.js'] : []),
      ];
      const apiFlags = [...flags, ...A_FLAGS];
      const env = {
        ...apiEnv,
        ...(opts.profile ? { BENCH_CPU_PROFILE: profileFile } : {}),
        ...(opts.heapProfile ? { BENCH_HEAP_PROFILE: heapProfileFile, BENCH_HEAP_ALL: String(opts.allocations) } : {}),
      };
      starting.push(spawnApp('api', env, /Swagger UI/, 300_000, apiFlags).then((s) => void spawned.set('a', s)));
      if (which.includes('m')) {
        // Started after (a) has loaded the demo data: both would otherwise load it into the same empty stores.
        const mEnv = { ...apiEnv, PORT: String(ports.m), METRICS_ENABLED: opts.mMetrics === 'on' ? 'true' : 'false' };
        const mSpawn = () => spawnApp('api', mEnv, /Swagger UI/, 300_000, [...flags, ...M_FLAGS]);
        starting[starting.length - 1] = starting.at(-1)!.then(() => mSpawn().then((s) => void spawned.set('m', s)));
      }
      if (opts.relays === 'worker') {
        const relayEnv = opts.profile
          ? { ...apiEnv, RUN_JOURNAL_RELAYS: 'true', BENCH_CPU_PROFILE: relayProfileFile }
          : { ...apiEnv, RUN_JOURNAL_RELAYS: 'true' };
        starting.push(
          spawnApp('ingestion-worker', relayEnv, /ingestion-worker consuming/, 120_000, flags).then((s) => {
            relayWorker = s;
            if (opts.relayNice !== 0)
              console.log(`relay worker: nice ${opts.relayNice} on ${reniceAll(s.pid, opts.relayNice)} threads`);
          }),
        );
      }
    }
    if (which.includes('b'))
      starting.push(
        spawnTs(
          NAME.b,
          'bench/baselines/fastify-redis.ts',
          { PORT: String(ports.b), REDIS_URL: redisUrl, KEY_PREFIX: RAW_PREFIX },
          /ready on/,
        ).then((s) => void spawned.set('b', s)),
      );
    if (which.includes('y')) {
      const env = {
        PORT: String(ports.y),
        REDIS_URL: redisUrl,
        KEY_PREFIX: RAW_PREFIX,
        STREAM_PREFIX: YARDSTICK_PREFIX,
        API_KEY: headers['x-api-key'],
        ...(opts.profile ? { BENCH_CPU_PROFILE: yardstickProfileFile } : {}),
      };
      const ts = [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'bench/baselines/fastify-redis-audited.ts',
      ];
      const args = [
        ...flagsOf(opts.yNodeFlags),
        ...(opts.profile ? ['-r', './bench/lib/cpu-profile-hook.js'] : []),
        ...ts,
      ];
      starting.push(spawnNode(NAME.y, args, env, /ready on/).then((s) => void spawned.set('y', s)));
    }
    if (which.includes('c'))
      starting.push(
        spawnTs(
          NAME.c,
          'bench/baselines/nest-express-cache.ts',
          { PORT: String(ports.c), REDIS_URL: redisUrl, KEY_PREFIX: RAW_PREFIX },
          /ready on/,
        ).then((s) => void spawned.set('c', s)),
      );
    const results = await Promise.allSettled(starting);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const loadLine = /loaded (\d+) demo consumers and (\d+) events in (\d+) ms/.exec(spawned.get('a')?.output() ?? '');
    console.log(
      `start: servers ready in ${((Date.now() - t0) / 1000).toFixed(1)} s${loadLine ? ` (the API loaded ${loadLine[1]} demo consumers and ${loadLine[2]} events in ${(Number(loadLine[3]) / 1000).toFixed(1)} s)` : ''}`,
    );

    // --- warm every cache and check the three serve the same bytes --------------------------------------------------
    let reference: string[];
    if (which.includes('a')) {
      const first = await sweep(base('a'), paths, headers);
      const second = await sweep(base('a'), paths, headers);
      console.log(
        `warm (a): first pass ${show(first.status)} / X-Cache ${show(first.cache)}; second pass ${show(second.status)} / X-Cache ${show(second.cache)}`,
      );
      if (second.status.get(200) !== paths.length || second.cache.get('HIT') !== paths.length)
        throw new Error('our API does not answer every CPF from cache: see the warm-up counts above');
      markSetLoaded();
      reference = second.bodies;
    } else {
      // Without (a) there are no real analyses to copy: the baselines serve stand-in documents of about the same size.
      reference = cpfs.map((cpf) => JSON.stringify({ cpf, filler: 'x'.repeat(2100) }));
    }
    const pipeline = redis.pipeline();
    cpfs.forEach((cpf, i) => pipeline.set(RAW_PREFIX + cpf, reference[i]!, 'EX', opts.ttl));
    await pipeline.exec();
    const digest = (bodies: string[]) => createHash('sha256').update(bodies.join('\n')).digest('hex').slice(0, 16);
    const sizes = reference.map((b) => Buffer.byteLength(b));
    console.log(
      `documents: ${sizes.length}, body ${Math.min(...sizes)}–${Math.max(...sizes)} bytes, mean ${fmt(sizes.reduce((a, b) => a + b, 0) / sizes.length, 0)} bytes, digest ${digest(reference)}`,
    );
    let expressMisses = 0;
    for (const k of which) {
      if (k === 'a') continue;
      if (k === 'c') {
        await sweep(base('c'), paths, headers);
        expressMisses = ((await (await fetch(`${base('c')}/bench/misses`)).json()) as { misses: number }).misses;
      }
      const check = await sweep(base(k), paths, headers);
      const same = check.bodies.filter((b, i) => b === reference[i]).length;
      console.log(
        `check ${k}: ${show(check.status)}; bodies identical to (a): ${same}/${paths.length}, digest ${digest(check.bodies)}${k === 'c' ? `; handler ran ${expressMisses} times (the warm-up misses)` : ''}`,
      );
      if (same !== paths.length) throw new Error(`server ${k} does not serve the same documents`);
    }

    // --- what (a) waits for on each request, one at a time ----------------------------------------------------------
    const probes = which.includes('a')
      ? await dependencyProbes(redisUrl, apiEnv.DATABASE_URL!, RAW_PREFIX + cpfs[0])
      : [];

    // --- saturation: warm-up, then rounds interleaved b, c, a -------------------------------------------------------
    const rounds = new Map<Key, Round[]>(which.map((k) => [k, []]));
    const order: Key[] = (['b', 'c', 'y', 'a', 'm'] as Key[]).filter((k) => which.includes(k));
    const dropYardstickJournals = async () => {
      const [, found] = await redis.scan('0', 'MATCH', `${YARDSTICK_PREFIX}*`, 'COUNT', 1000);
      if (found.length) await redis.unlink(...found);
    };
    const named = () => ({
      ...Object.fromEntries([...spawned.entries()].map(([k, s]) => [NAME[k], s.pid])),
      ...(relayWorker ? { 'relay worker': relayWorker.pid } : {}),
    });
    for (const k of order)
      await saturate({ url: base(k), paths, headers, connections: opts.connections, durationSeconds: opts.warmup });
    const apiTotals = {
      requests: 0,
      redis: new Map<string, number>(),
      commits: 0,
      inserted: 0,
      searches: 0,
      indexed: 0,
      logBytes: 0,
    };
    for (let r = 1; r <= opts.rounds; r++) {
      for (const k of startingWith(order, r - 1)) {
        await sleep(500);
        if (k === 'a') await drainJournal();
        const before =
          k === 'a'
            ? {
                redis: await redisCommandStats(redis),
                pg: await pgStats(servers.databaseUrl, pgName),
                es: await indexStats(servers.elasticsearchUrl, esIndex),
                log: spawned.get('a')!.written(),
                audited: await auditedReads(),
              }
            : null;
        // (m) shares (a)'s relay worker: its rounds are measured the same way.
        const pauseRelay = (k === 'a' || k === 'm') && relayWorker !== undefined && opts.relayInRounds === 'stop';
        if (pauseRelay) process.kill(relayWorker!.pid, 'SIGSTOP');
        const meter = cpuBreakdown(named());
        const m = await saturate({
          url: base(k),
          paths,
          headers,
          connections: opts.connections,
          durationSeconds: opts.duration,
        });
        const cpu = meter();
        if (pauseRelay) process.kill(relayWorker!.pid, 'SIGCONT');
        // (m)'s backlog is drained at once: left to the next server's round, the relay would run inside it.
        if (pauseRelay && k === 'm') await drainJournal();
        rounds.get(k)!.push({ ...m, cpu });
        if (k === 'y') await dropYardstickJournals();
        if (before) {
          // Let the inquiry recorder's and the audit log's last batches land before counting what they wrote.
          await sleep(300);
          const redisAfter = await redisCommandStats(redis);
          for (const [cmd, calls] of redisAfter)
            apiTotals.redis.set(cmd, (apiTotals.redis.get(cmd) ?? 0) + calls - (before.redis.get(cmd) ?? 0));
          const pg = await pgStats(servers.databaseUrl, pgName);
          const esAfter = await indexStats(servers.elasticsearchUrl, esIndex);
          apiTotals.requests += m.requests;
          apiTotals.commits += pg.commits - before.pg.commits;
          apiTotals.inserted += pg.inserted - before.pg.inserted;
          apiTotals.searches += esAfter.searches - before.es.searches;
          apiTotals.indexed += esAfter.indexed - before.es.indexed;
          apiTotals.logBytes += Math.max(0, spawned.get('a')!.written() - before.log);
          // Every read served must reach the hash-chained audit log: wait for the journal relay, then compare.
          const backlog = await journalLength();
          const drainSeconds = await drainJournal();
          const audited = (await auditedReads()) - before.audited;
          const served = m.requests - m.non200;
          auditRounds.push({
            served,
            audited,
            backlog,
            drainSeconds,
            relayPerSecond: audited / (m.seconds + drainSeconds),
          });
          // autocannon stops with one request in flight per connection: served by the API (and audited), never counted.
          const verdict =
            audited >= served && audited <= served + opts.connections
              ? `all, +${audited - served} in flight when the round stopped`
              : 'MISMATCH';
          console.log(
            `  audit (a): ${fmtInt(served)} reads served, ${fmtInt(audited)} audit entries appended (${verdict}); journal backlog at the end of the round ${fmtInt(backlog)}, drained ${fmt(drainSeconds, 1)} s later`,
          );
        }
        console.log(
          `  round ${r} ${k}: ${fmtInt(m.reqPerSec)} req/s, p50 ${fmt(m.p50, 2)} ms, p99 ${fmt(m.p99, 2)} ms, non-200 ${m.non200}, errors ${m.errors}; CPU % of one core: ${processShares(cpu)}; machine ${fmt(cpu[MACHINE] ?? 0, 0)}, stolen by the host ${fmt(cpu[STOLEN] ?? 0, 0)}`,
        );
      }
    }
    const med = (k: Key, f: (m: Round) => number) => median(rounds.get(k)!.map(f));
    if (auditRounds.length) {
      const all = auditRounds.reduce((a, r) => ({ served: a.served + r.served, audited: a.audited + r.audited }), {
        served: 0,
        audited: 0,
      });
      console.log(
        `audit (a): ${fmtInt(all.audited)} of ${fmtInt(all.served)} reads served in the saturated rounds are in the audit log; relay ${auditRounds.map((r) => fmtInt(r.relayPerSecond)).join(' / ')} entries/s per round (appended ÷ round + drain time)`,
      );
    }

    // --- fixed moderate rate --------------------------------------------------------------------------------------
    const slowest = Math.min(...order.map((k) => med(k, (m) => m.reqPerSec)));
    const rate =
      opts.rate === 'auto' ? Math.max(100, Math.min(2000, Math.floor(slowest / 2 / 100) * 100)) : Number(opts.rate);
    const fixedRounds = new Map<Key, Round[]>();
    // A running relay drains what (a) journalled during the next server's turn: then only rounds one after the other
    // keep that work on (a)'s side.
    const relayRuns = relayWorker !== undefined && order.includes('a') && opts.relayAtRate === 'run';
    const inTurns = opts.rateTool === 'paced' && opts.rateTurn > 0 && !opts.pinAtRate && order.length > 1 && !relayRuns;
    if (rate > 0) {
      // The saturated rounds leave background work behind (Elasticsearch merging the inquiries, PostgreSQL writing
      // out the audit log); latency at a moderate rate should not measure that, so wait for the machine to go quiet.
      // Under 25% of one core, in the unit of the CPU tables.
      const quiet = await waitForQuiet(25 / (100 * cpus().length), 15_000);
      const busy = quiet.busyShare * 100 * cpus().length;
      console.log(
        `settle: ${(quiet.waitedMs / 1000).toFixed(0)} s until the machine was quiet (${fmt(busy, 0)}% busy over the last second)`,
      );
      /** Whether (a)'s heap is sampled in this round: its first. */
      const samplesHeap = (k: Key, r: number) => k === 'a' && opts.heapProfile && r === 0;
      /** What a fixed-rate measurement of one server leaves to record and print once its round is over. */
      const recordFixed = async (k: Key, r: number, m: Measurement, cpu: Round['cpu'], logFrom: number) => {
        fixedRounds.set(k, [...(fixedRounds.get(k) ?? []), { ...m, cpu }]);
        console.log(
          `  fixed rate, round ${r + 1} ${k}: ${fmtInt(m.reqPerSec)} req/s, p50 ${fmt(m.p50, 2)} ms, p99 ${fmt(m.p99, 2)} ms, non-200 ${m.non200}, errors ${m.errors}, server CPU ${fmt(cpu[NAME[k]] ?? 0, 0)}%`,
        );
        if (samplesHeap(k, r)) {
          process.kill(spawned.get(k)!.pid, 'SIGWINCH');
          const written = Date.now();
          while (!existsSync(heapProfileFile) && Date.now() - written < 30_000) await sleep(200);
          const { totalMb, sites } = summarizeHeapProfile(heapProfileFile, opts.allocations ? 30 : 10);
          const what = opts.allocations ? 'allocated' : 'survived a scavenge';
          const perRead = (mb: number) => `${fmt((mb * 1e6) / Math.max(1, m.requests), 0).padStart(6)} B/read`;
          console.log(
            `  ${what} in (a) during those ${opts.rateDuration} s: ~${fmt(totalMb, 1)} MB (sampled), ${perRead(totalMb)}, by allocation site:\n${sites.map(([site, mb]) => `    ${fmt(mb, 2).padStart(7)} MB ${perRead(mb)}  ${site}`).join('\n')}`,
          );
        }
        if ((k === 'a' || k === 'm') && opts.gc) {
          const traced = spawned.get(k)!.outputSince(logFrom);
          const gcLog = join(ROOT, 'bench/.profiles', `${runId}-${NAME[k]}-gc-${r + 1}.log`);
          mkdirSync(dirname(gcLog), { recursive: true });
          writeFileSync(gcLog, traced);
          console.log(
            `  GC pauses of (${k}) in those ${opts.rateDuration} s: ${gcPauses(traced)} (trace: ${relative(ROOT, gcLog)})`,
          );
        }
      };
      const stopsRelay = (ks: Key[]) =>
        (ks.includes('a') || ks.includes('m')) && relayWorker !== undefined && opts.relayAtRate === 'stop';
      /** Resumes the relay, then waits for its backlog and the machine to settle before anything else is measured. */
      const resumeRelay = async () => {
        process.kill(relayWorker!.pid, 'SIGCONT');
        await drainJournal();
        await waitForQuiet(25 / (100 * cpus().length), 15_000);
      };
      for (let r = 0; r < opts.rateRounds; r++) {
        const roundOrder = startingWith(order, r);
        if (inTurns) {
          // The servers take turns within one schedule (bench/lib/paced-load.ts), after a second of it unmeasured on
          // the same thread and connections: a load generator started cold slowed whichever server went first.
          const stopRelay = stopsRelay(order);
          if (stopRelay) process.kill(relayWorker!.pid, 'SIGSTOP');
          // Both begin when the worker says the measured part does, which it always says before its results.
          let logFrom = new Map<Key, number>();
          let meter: ReturnType<typeof cpuBreakdown> | undefined;
          const targets = roundOrder.map((k) => ({ url: base(k), paths, headers }));
          const ms = await pacedInTurns(
            {
              targets,
              ratePerSecond: rate,
              warmupSeconds: 1,
              durationSeconds: opts.rateDuration,
              sliceSeconds: opts.rateTurn,
              maxSockets: opts.connections,
            },
            () => {
              logFrom = new Map(order.map((k) => [k, spawned.get(k)!.written()]));
              if (order.some((k) => samplesHeap(k, r))) process.kill(spawned.get('a')!.pid, 'SIGWINCH');
              meter = cpuBreakdown(named());
            },
          );
          const cpu = meter!();
          if (stopRelay) await resumeRelay();
          if (order.includes('y')) await dropYardstickJournals();
          for (const [i, k] of roundOrder.entries()) {
            // Each server ran for 1/n of the round: its share while running is n times its share of the round.
            const own = { ...cpu, [NAME[k]]: (cpu[NAME[k]] ?? 0) * order.length };
            await recordFixed(k, r, ms[i]!, own, logFrom.get(k)!);
          }
          continue;
        }
        for (const k of roundOrder) {
          // A second at the rate, not measured: lets the previous server's background work (inquiry and audit
          // flushes, Elasticsearch merges) settle and warms this path of the client.
          await paced({
            url: base(k),
            paths,
            headers,
            ratePerSecond: rate,
            durationSeconds: 1,
            maxSockets: opts.connections,
          });
          const logFrom = spawned.get(k)!.written();
          const stopRelay = stopsRelay([k]);
          if (stopRelay) process.kill(relayWorker!.pid, 'SIGSTOP');
          if (samplesHeap(k, r)) process.kill(spawned.get(k)!.pid, 'SIGWINCH');
          const unpin = opts.pinAtRate ? pinToOwnCore(spawned.get(k)!.pid) : undefined;
          const meter = cpuBreakdown(named());
          const m =
            opts.rateTool === 'autocannon'
              ? await autocannonAtRate({
                  url: base(k),
                  paths,
                  headers,
                  connections: opts.connections,
                  durationSeconds: opts.rateDuration,
                  ratePerSecond: rate,
                })
              : await paced({
                  url: base(k),
                  paths,
                  headers,
                  ratePerSecond: rate,
                  durationSeconds: opts.rateDuration,
                  maxSockets: opts.connections,
                });
          const cpu = meter();
          unpin?.();
          // The next server's round must not share the machine with the backlog this one left.
          if (stopRelay) await resumeRelay();
          if (k === 'y') await dropYardstickJournals();
          await recordFixed(k, r, m, cpu, logFrom);
        }
      }
    }

    const fixed = new Map<Key, Round>([...fixedRounds].map(([k, rs]) => [k, medianRound(rs)]));
    /**
     * The p99 of every answer a server gave at the rate, all rounds pooled: the run's p99 as a client sees it. One
     * stall of the machine can hold a whole round's slowest 1% by itself and so move the median of per-round p99s;
     * pooled, it is diluted by the other rounds. Absent unless every round kept its latencies (the paced tool does).
     */
    const pooled = new Map<Key, LatencyHistogram>();
    for (const [k, rounds] of fixedRounds) {
      const parts = rounds.flatMap((m) => (m.latencies ? [m.latencies] : []));
      if (parts.length === rounds.length) pooled.set(k, LatencyHistogram.merged(parts));
    }
    const pooledP99 = (k: Key): number => pooled.get(k)?.percentile(99) ?? NaN;

    // --- were the measured requests cache hits? ---------------------------------------------------------------------
    if (which.includes('c')) {
      const after = ((await (await fetch(`${base('c')}/bench/misses`)).json()) as { misses: number }).misses;
      console.log(
        `proof (c): the handler ran ${after - expressMisses} times during the measurements (0 = every request a cache hit)`,
      );
    }
    if (which.includes('a')) {
      const after = await sweep(
        base('a'),
        paths.filter((_, i) => i % 10 === 0),
        headers,
      );
      console.log(
        `proof (a): Elasticsearch searches on the index during the saturated rounds: ${apiTotals.searches} (a miss searches the trail; 0 = every request a cache hit); afterwards X-Cache of every 10th CPF ${show(after.cache)}; API log output during the rounds: ${apiTotals.logBytes} bytes`,
      );
    }

    // --- tables ---------------------------------------------------------------------------------------------------
    const ceiling = which.includes('b') ? med('b', (m) => m.reqPerSec) : NaN;
    const yardstick = which.includes('y') ? med('y', (m) => m.reqPerSec) : NaN;
    const sorted = order.slice().sort();
    console.log(
      `\nSaturated: ${opts.connections} connections, no pipelining, ${opts.duration} s × ${opts.rounds} rounds after ${opts.warmup} s warm-up, medians (latency from a 10 µs histogram of every response)`,
    );
    console.log(
      table(
        ['server', 'req/s', 'ratio to (b)', 'ratio to (y)', 'p50 ms', 'p99 ms', 'bytes/response', 'non-200+errors'],
        sorted.map((k) => [
          LABEL[k],
          fmtInt(med(k, (m) => m.reqPerSec)),
          fmt(med(k, (m) => m.reqPerSec) / ceiling, 2),
          fmt(med(k, (m) => m.reqPerSec) / yardstick, 2),
          fmt(
            med(k, (m) => m.p50),
            2,
          ),
          fmt(
            med(k, (m) => m.p99),
            2,
          ),
          fmt(
            med(k, (m) => m.bytesPerResponse),
            0,
          ),
          String(rounds.get(k)!.reduce((s, m) => s + m.non200 + m.errors, 0)),
        ]),
      ),
    );
    console.log(
      `req/s of each round: ${sorted
        .map(
          (k) =>
            `${k} ${rounds
              .get(k)!
              .map((m) => fmtInt(m.reqPerSec))
              .join(' / ')}`,
        )
        .join('; ')}`,
    );
    const groups = [
      'server',
      ...(relayWorker ? ['relay worker'] : []),
      'load generator',
      'Redis',
      'PostgreSQL',
      'FerretDB',
      'Elasticsearch',
      'RabbitMQ',
      'other processes',
    ];
    console.log(
      `\nCPU during the saturated rounds, % of one core (median; the machine has ${cpus().length * 100}%; 'machine busy' also counts processes that came and went):`,
    );
    console.log(
      table(
        ['server', ...groups, 'sum', MACHINE],
        sorted.map((k) => [
          LABEL[k].slice(0, 3),
          ...groups.map((g) =>
            fmt(
              med(k, (m) => m.cpu[g === 'server' ? NAME[k] : g] ?? 0),
              0,
            ),
          ),
          fmt(
            med(k, (m) => sumCpu(m.cpu)),
            0,
          ),
          fmt(
            med(k, (m) => m.cpu[MACHINE] ?? 0),
            0,
          ),
        ]),
      ),
    );
    if (rate > 0) {
      console.log(
        `\nFixed rate: ${rate} req/s${opts.rate === 'auto' ? ' (auto: half the slowest saturated median, at most 2,000)' : ''} for ${opts.rateDuration} s per server × ${opts.rateRounds} interleaved rounds${inTurns ? `, servers taking ${opts.rateTurn} s turns within each round` : ''}, medians (${opts.rateTool === 'autocannon' ? 'autocannon overallRate' : 'open loop, 1 ms ticks, raw sockets on a worker thread, latency from send'})`,
      );
      console.log(
        table(
          [
            'server',
            'achieved req/s',
            'p50 ms',
            'p90 ms',
            'p99 ms',
            'p99 pooled ms',
            'max ms',
            'server CPU %',
            'machine CPU %',
            'send lag p99 ms',
            'non-200+errors',
          ],
          sorted.map((k) => {
            const m = fixed.get(k)!;
            return [
              LABEL[k],
              fmtInt(m.reqPerSec),
              fmt(m.p50, 2),
              fmt(m.p90, 2),
              fmt(m.p99, 2),
              fmt(pooledP99(k), 2),
              fmt(m.max, 1),
              fmt(m.cpu[NAME[k]] ?? 0, 0),
              fmt(m.cpu[MACHINE] ?? 0, 0),
              fmt(m.sendLagP99 ?? NaN, 2),
              String(m.non200 + m.errors),
            ];
          }),
        ),
      );
      const TAIL = [95, 97, 98, 99, 99.5, 99.9];
      const tails = sorted.flatMap((k) => {
        const h = pooled.get(k);
        return h ? [`  ${LABEL[k].slice(0, 3)} ${TAIL.map((p) => `p${p} ${fmt(h.percentile(p), 2)}`).join(', ')}`] : [];
      });
      if (tails.length) console.log(`The tail of every answer at the rate, rounds pooled (ms):\n${tails.join('\n')}`);
    }
    if (which.includes('a') && apiTotals.requests > 0) {
      const per = (n: number) => fmt(n / apiTotals.requests, 2);
      const cmds = [...apiTotals.redis.entries()]
        .filter(([, n]) => n / apiTotals.requests >= 0.01)
        .sort((x, y) => y[1] - x[1]);
      console.log(`\nWhat one cached request of (a) does, over its ${fmtInt(apiTotals.requests)} saturated requests:`);
      console.log(
        `  Redis commands per request (server-wide counters: other clients of this Redis add noise): ${cmds.map(([c, n]) => `${c} ${per(n)}`).join(', ')}`,
      );
      console.log(
        `  PostgreSQL (its own database): ${per(apiTotals.commits)} commits and ${per(apiTotals.inserted)} rows inserted per request (audit log, group-committed)`,
      );
      console.log(
        `  Elasticsearch (its own index): ${per(apiTotals.indexed)} documents indexed per request (bureau inquiries), ${per(apiTotals.searches)} searches per request`,
      );
    }
    if (probes.length) {
      console.log(
        '\nLatency floors of what (a) waits for per request, one call at a time before the load (same client libraries):',
      );
      console.log(
        table(
          ['call', 'p50 ms', 'p99 ms'],
          probes.map((p) => [p.what, fmt(p.p50, 2), fmt(p.p99, 2)]),
        ),
      );
    }
    if (which.includes('m')) {
      const ratio = med('a', (m) => m.reqPerSec) / med('m', (m) => m.reqPerSec);
      const perRound = rounds
        .get('a')!
        .map((r, i) => fmt(r.reqPerSec / rounds.get('m')![i]!.reqPerSec, 2))
        .join(' / ');
      console.log(
        `\n(a) against ${LABEL.m}: throughput ratio ${fmt(ratio, 3)} (median of rounds; each round ${perRound}), p99 ${fmt(
          med('a', (m) => m.p99),
          2,
        )} vs ${fmt(
          med('m', (m) => m.p99),
          2,
        )} ms${rate > 0 ? `; at ${rate} req/s p99 ${fmt(fixed.get('a')?.p99 ?? NaN, 2)} vs ${fmt(fixed.get('m')?.p99 ?? NaN, 2)} ms, API CPU ${fmt(fixed.get('a')?.cpu.api ?? NaN, 0)}% vs ${fmt(fixed.get('m')?.cpu[NAME.m] ?? NaN, 0)}%` : ''}`,
      );
    }
    for (const k of (['a', 'm'] as const).filter((k) => which.includes(k) && which.includes('y'))) {
      // Issue #21's targets: the same work as the yardstick at 0.8 of its throughput, and a tail within 1.5x of its
      // own. (m), our API again, is judged the same way.
      const perRound = rounds.get(k)!.map((m, i) => m.reqPerSec / rounds.get('y')![i]!.reqPerSec);
      const ratio = med(k, (m) => m.reqPerSec) / yardstick;
      const fixedA = fixed.get(k)?.p99 ?? NaN;
      const fixedY = fixed.get('y')?.p99 ?? NaN;
      const pooledA = pooledP99(k);
      const pooledY = pooledP99('y');
      // The verdict takes the pooled p99 when there is one: the p99 of the run; the median of rounds is shown beside.
      const [verdictA, verdictY] = Number.isFinite(pooledA / pooledY) ? [pooledA, pooledY] : [fixedA, fixedY];
      const p99Rounds = (fixedRounds.get(k) ?? []).map((m, i) => m.p99 / fixedRounds.get('y')![i]!.p99);
      const tail =
        `p99 at ${rate} req/s, every answer of the ${opts.rateRounds} rounds pooled, ${fmt(pooledA, 2)} ms against ` +
        `${fmt(pooledY, 2)} ms, ${fmt(pooledA / pooledY, 2)}×; median of per-round p99s ${fmt(fixedA, 2)} against ` +
        `${fmt(fixedY, 2)} ms, ${fmt(fixedA / fixedY, 2)}× (by round ${p99Rounds.map((r) => fmt(r, 2)).join(' / ')}): ` +
        `within 1.5× ${verdictA <= 1.5 * verdictY ? 'MET' : 'NOT MET'}`;
      console.log(
        `\nAgainst the same-work yardstick (y): (${k}) at ${fmt(ratio, 2)} of its median throughput (by round ${perRound.map((r) => fmt(r, 2)).join(' / ')}): ≥ 0.80 ${ratio >= 0.8 ? 'MET' : 'NOT MET'}${rate > 0 ? `; ${tail}` : ''}`,
      );
    }
    if (which.includes('a') && which.includes('b')) {
      const ratio = med('a', (m) => m.reqPerSec) / ceiling;
      const p99 = med('a', (m) => m.p99);
      const fixedP99 = fixed.get('a')?.p99 ?? NaN;
      console.log(
        `\nTargets for (a): ≥ 80% of (b): ${fmt(ratio * 100, 0)}% ${ratio >= 0.8 ? 'MET' : 'NOT MET'}; p99 < 5 ms: saturated ${fmt(p99, 2)} ms ${p99 < 5 ? 'MET' : 'NOT MET'}${rate > 0 ? `, at ${rate} req/s ${fmt(fixedP99, 2)} ms ${fixedP99 < 5 ? 'MET' : 'NOT MET'}` : ''}`,
      );
    }

    // --- optional profile of our API under saturation ---------------------------------------------------------------
    if (opts.profile && which.includes('a')) {
      mkdirSync(join(ROOT, 'bench/.profiles'), { recursive: true });
      const api = spawned.get('a')!;
      if (existsSync(profileFile)) unlinkSync(profileFile);
      // The relay worker, when there is one, is profiled over the same window: it does the durable half of each read.
      const profiled = [api.process, ...(relayWorker ? [relayWorker.process] : [])];
      profiled.forEach((p) => p.kill('SIGWINCH'));
      await sleep(200);
      const m = await saturate({
        url: base('a'),
        paths,
        headers,
        connections: opts.connections,
        durationSeconds: opts.duration,
      });
      profiled.forEach((p) => p.kill('SIGWINCH'));
      for (let i = 0; i < 100 && !existsSync(profileFile); i++) await sleep(100);
      await sleep(500);
      if (!existsSync(profileFile))
        throw new Error(
          `no profile written to ${profileFile}${existsSync(`${profileFile}.error`) ? `: ${readFileSync(`${profileFile}.error`, 'utf8')}` : ''}`,
        );
      const p = summarizeProfile(profileFile);
      console.log(
        `\nCPU profile of (a) under saturation (${fmtInt(m.reqPerSec)} req/s while profiling; ${fmt(p.busyMs / 1000, 1)} s busy of ${fmt(p.totalMs / 1000, 1)} s), self time by origin:`,
      );
      console.log(
        table(
          ['origin', '% of busy', 'µs per request'],
          p.categories.map(([c, ms]) => [c, fmt((ms / p.busyMs) * 100, 1), fmt((ms * 1000) / m.requests, 1)]),
        ),
      );
      console.log('\nheaviest functions (self time):');
      console.log(
        table(
          ['function', '% of busy'],
          p.functions.slice(0, 15).map(([f, ms]) => [f.slice(0, 110), fmt((ms / p.busyMs) * 100, 1)]),
        ),
      );
      console.log(
        '\nshare of busy CPU with these parts of the request path on the synchronous stack (overlapping; lower bounds, since',
      );
      console.log('work resumed from a socket callback, e.g. decoding a Redis reply, is not under its caller):');
      console.log(
        table(
          ['part of the path', '% of busy'],
          stageShares(profileFile, API_STAGES).map(([stage, pct]) => [stage, fmt(pct, 1)]),
        ),
      );
      console.log(`profile: ${profileFile} (open in Chrome DevTools › Performance)`);
      if (which.includes('y')) {
        // The yardstick over a round of its own: the same work, so its profile says what (a) spends beyond it.
        const y = spawned.get('y')!;
        y.process.kill('SIGWINCH');
        await sleep(200);
        const my = await saturate({
          url: base('y'),
          paths,
          headers,
          connections: opts.connections,
          durationSeconds: opts.duration,
        });
        y.process.kill('SIGWINCH');
        for (let i = 0; i < 100 && !existsSync(yardstickProfileFile); i++) await sleep(100);
        await sleep(500);
        const py = summarizeProfile(yardstickProfileFile);
        console.log(
          `\nCPU profile of (y) under saturation (${fmtInt(my.reqPerSec)} req/s while profiling; ${fmt(py.busyMs / 1000, 1)} s busy of ${fmt(py.totalMs / 1000, 1)} s), self time by origin:`,
        );
        console.log(
          table(
            ['origin', '% of busy', 'µs per request'],
            py.categories.map(([c, ms]) => [c, fmt((ms / py.busyMs) * 100, 1), fmt((ms * 1000) / my.requests, 1)]),
          ),
        );
        console.log('\nheaviest functions (self time):');
        console.log(
          table(
            ['function', '% of busy'],
            py.functions.slice(0, 15).map(([f, ms]) => [f.slice(0, 110), fmt((ms / py.busyMs) * 100, 1)]),
          ),
        );
      }
      if (relayWorker) {
        for (let i = 0; i < 100 && !existsSync(relayProfileFile); i++) await sleep(100);
        await sleep(500);
        if (existsSync(relayProfileFile)) {
          const r = summarizeProfile(relayProfileFile);
          console.log(
            `\nCPU profile of the relay worker over the same window (${fmt(r.busyMs / 1000, 1)} s busy of ${fmt(r.totalMs / 1000, 1)} s), self time by origin:`,
          );
          console.log(
            table(
              ['origin', '% of busy', 'µs per request'],
              r.categories.map(([c, ms]) => [c, fmt((ms / r.busyMs) * 100, 1), fmt((ms * 1000) / m.requests, 1)]),
            ),
          );
          console.log('\nheaviest functions (self time):');
          console.log(
            table(
              ['function', '% of busy'],
              r.functions.slice(0, 15).map(([f, ms]) => [f.slice(0, 110), fmt((ms / r.busyMs) * 100, 1)]),
            ),
          );
          console.log(`profile: ${relayProfileFile}`);
        } else {
          console.log(`no relay worker profile written to ${relayProfileFile}`);
        }
      }
    }
  } finally {
    const codes = await Promise.all(
      [...spawned.values(), ...(relayWorker ? [relayWorker] : [])].map(async (s) => [s.name, await s.stop()] as const),
    );
    const bad = codes.filter(([, code]) => code !== 0 && code !== null);
    if (bad.length)
      console.error(`servers that did not exit cleanly: ${bad.map(([n, c]) => `${n} (${c})`).join(', ')}`);
    await cleanUp([...cleanups, ['clear the benchmark Redis keys', clearRedis]]);
    redis.disconnect();
    console.log(`\ntotal run time ${((Date.now() - started) / 1000).toFixed(0)} s, clean-up included`);
  }
}

runMain(main);
