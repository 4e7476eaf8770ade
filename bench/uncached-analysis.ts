/**
 * Uncached analysis reads at scale, every measured request a miss; and each store's read alone.
 * How it works: docs/benchmarks.md. Run: `npm run bench:uncached -- --help`.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import Redis from 'ioredis';
import { Cpf } from '../libs/shared-kernel/src';
import {
  ConsumerRepository,
  RatingFeaturesRepository,
  RatingRepository,
  TransactionStore,
  AnalysisCache,
  CacheLookup,
  GetCreditAnalysisQuery,
} from '@app/credit-application';
import { QueryBus } from '@nestjs/cqrs';
import { parseArgs, runMain } from './lib/args';
import { LatencyHistogram, Measurement, fmt, fmtInt, paced, saturate, table } from './lib/load';
import {
  build,
  cpuBreakdown,
  freePort,
  MACHINE,
  ROOT,
  STOLEN,
  runDistScript,
  sleep,
  spawnApp,
  Spawned,
} from './lib/processes';
import { summarizeProfile } from './lib/profile';
import { deleteRecordedInquiries } from './lib/dataset';
import {
  ScaleSet,
  cpfOf,
  dropScaleSet,
  groupOf,
  openContext,
  openScaleSet,
  scaleEnv,
  ensureFerretDbIndexes,
  totalEvents,
} from './lib/scale-data';
import { cleanUp, createVhost, deleteVhost, es, redisUrlWithDb, serversFromEnv } from './lib/resources';

const USAGE = `usage: npm run bench:uncached -- [options]
  --consumers LIST    data-set sizes, comma-separated (default 10000,100000); one set each, kept between runs
  --heavy N           in the largest set, N consumers with 1,000 events and N with 100 (default 1000); the others
                      have 10. Smaller sets have 10 events per consumer only
  --rate R            fixed moderate rate, req/s, open loop (default 50)
  --duration S        seconds per measured phase (default 10)
  --concurrency LIST  closed-loop phases, connections (default 1,4,16)
  --probe N           CPFs per group timed store by store, one call at a time (default 200)
  --load-only         load (or check) the data sets and stop; loading is not a measured run
  --profile           CPU-profile the API from the end of the warm-up to the end of the closed-loop phases, and print
                      where its time goes (self time by origin and the heaviest functions)
  --relays WHERE      worker (default, as docker-compose deploys it): the API runs with RUN_JOURNAL_RELAYS=false and a
                      compiled ingestion-worker relays the audit and inquiry journals; api: the API relays them itself
  --build MODE        auto (default), always or never: npm run build before spawning the compiled API
  --redis-db N        Redis logical database of the API's cache (default 13)
  --fresh             load the sets again even if kept ones exist
  --drop-data         remove the sets at the end`;

const opts = parseArgs(
  {
    consumers: '10000,100000',
    heavy: 1000,
    rate: 50,
    duration: 10,
    concurrency: '1,4,16',
    probe: 200,
    loadOnly: false,
    profile: false,
    relays: 'worker',
    build: 'auto',
    redisDb: 13,
    fresh: false,
    dropData: false,
  },
  USAGE,
);

const PURPOSE = 'CREDIT_GRANTING';
const GROUPS = ['e10', 'e100', 'e1000'] as const;
type Group = (typeof GROUPS)[number];

/** Deterministic shuffle (xorshift) so phases take CPFs from all over the set, not one end of it. */
function shuffled(values: number[], seed: number): number[] {
  const out = values.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** CPF indexes of each group of a set. */
function groupIndexes(set: ScaleSet): Record<Group, number[]> {
  const out: Record<Group, number[]> = { e10: [], e100: [], e1000: [] };
  for (let i = 0; i < set.consumers; i++) out[groupOf(i, set.heavy)].push(i);
  return out;
}

async function searches(esUrl: string, index: string): Promise<number> {
  const s = await es(esUrl, 'GET', `/${index}/_stats/search`);
  return Number(s.indices?.[index]?.total?.search?.query_total ?? 0);
}

interface PhaseResult extends Measurement {
  name: string;
  size: number;
  searchesPerRequest: number;
  distinct: boolean;
  cpu: Record<string, number>;
  load1: number;
}

interface ProbeRow {
  size: number;
  group: Group;
  what: string;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Each store's read alone, one call at a time, through our adapters (first call per CPF: nothing cached in the app).
 */
/** A cache that never has the analysis: the query handler takes its miss path every time. */
class NeverHitCache extends AnalysisCache {
  async lookup(): Promise<CacheLookup> {
    return { json: null, ticket: '0' };
  }
  async fill(): Promise<void> {}
  async set(): Promise<void> {}
  async invalidate(): Promise<void> {}
  async health(): Promise<'up'> {
    return 'up';
  }
}

/**
 * Open loop at a fixed rate, in this process: GetCreditAnalysisQuery through the QueryBus (the handler's miss path:
 * A, B and C in parallel, assembled, the inquiry handed to the recorder), without HTTP, auth, rate limit or audit.
 */
async function pacedQueries(bus: QueryBus, cpfs: string[], rate: number, seconds: number): Promise<Measurement> {
  const h = new LatencyHistogram();
  let started = 0;
  let finished = 0;
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (t0 + (started * 1000) / rate <= Math.min(now, end) && started < cpfs.length) {
        const sent = performance.now();
        const cpf = cpfs[started++]!;
        bus.execute(new GetCreditAnalysisQuery(cpf, 'bench', 'CREDIT_GRANTING')).then(
          () => {
            h.record(performance.now() - sent);
            finished += 1;
          },
          () => {
            errors += 1;
            finished += 1;
          },
        );
      }
      if (now >= end || started >= cpfs.length) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  while (finished < started) await sleep(5);
  return {
    reqPerSec: finished / seconds,
    requests: finished,
    p50: h.percentile(50),
    p90: h.percentile(90),
    p99: h.percentile(99),
    max: h.max,
    non200: 0,
    errors,
    bytesPerResponse: 0,
    seconds,
  };
}

async function probeStores(
  set: ScaleSet,
  indexes: Record<Group, number[]>,
  perGroup: number,
  seed: number,
): Promise<{ rows: ProbeRow[]; query: Measurement }> {
  const servers = serversFromEnv();
  const app = await openContext(
    servers,
    set,
    {},
    { overrides: [{ provide: AnalysisCache, useValue: new NeverHitCache() }] },
  );
  let query: Measurement | undefined;
  const rows: ProbeRow[] = [];
  try {
    const consumers = app.get(ConsumerRepository);
    const features = app.get(RatingFeaturesRepository);
    const ratings = app.get(RatingRepository);
    const transactions = app.get(TransactionStore);
    const now = new Date();
    // Warm the connections and the code, on CPFs the probes below do not use.
    for (const i of indexes.e10.slice(-50)) {
      const cpf = Cpf.parse(cpfOf(i));
      await Promise.all([
        consumers.findByCpf(cpf),
        features.findByCpf(cpf),
        ratings.latest(cpf),
        transactions.summarize(cpf, now),
      ]);
    }
    const calls: [string, (cpf: Cpf) => Promise<unknown>][] = [
      ['A consumers.findByCpf (PostgreSQL, decrypt)', (cpf) => consumers.findByCpf(cpf)],
      ['B features.findByCpf (FerretDB)', (cpf) => features.findByCpf(cpf)],
      ['B ratings.latest (FerretDB)', (cpf) => ratings.latest(cpf)],
      ['C transactions.summarize (Elasticsearch)', (cpf) => transactions.summarize(cpf, now)],
      [
        'A+B+C in parallel (the miss path)',
        (cpf) =>
          Promise.all([
            consumers.findByCpf(cpf),
            features.findByCpf(cpf),
            ratings.latest(cpf),
            transactions.summarize(cpf, now),
          ]),
      ],
    ];
    for (const group of GROUPS) {
      if (indexes[group].length === 0) continue;
      const sample = shuffled(group === 'e10' ? indexes.e10.slice(0, -50) : indexes[group], seed)
        .slice(0, perGroup)
        .map((i) => Cpf.parse(cpfOf(i)));
      for (const [what, call] of calls) {
        const h = new LatencyHistogram();
        for (const cpf of sample) {
          const t = performance.now();
          await call(cpf);
          h.record(performance.now() - t);
        }
        rows.push({ size: set.consumers, group, what, p50: h.percentile(50), p99: h.percentile(99), max: h.max });
      }
    }
    const fresh = shuffled(indexes.e10.slice(0, -50), seed + 7)
      .slice(perGroup, perGroup + Math.ceil(opts.rate * opts.duration) + 5)
      .map(cpfOf);
    query = await pacedQueries(app.get(QueryBus), fresh, opts.rate, opts.duration);
  } finally {
    await app.close();
  }
  return { rows, query: query! };
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = serversFromEnv();
  const sizes = opts.consumers
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0)
    .sort((a, b) => a - b);
  const largest = sizes[sizes.length - 1]!;
  const heavyOf = (n: number) => (n === largest ? opts.heavy : 0);
  const concurrencies = opts.concurrency
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  if (!['worker', 'api'].includes(opts.relays)) throw new Error('--relays must be worker or api');
  console.log(
    `uncached-analysis benchmark: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}; sizes ${sizes.map(fmtInt).join(', ')} consumers; journals relayed by ${opts.relays === 'worker' ? 'a compiled ingestion-worker' : 'the API'}`,
  );
  const idle = cpuBreakdown({});
  await sleep(1000);
  console.log(
    `  machine before the run: ${fmt(idle()[MACHINE] ?? 0, 0)}% of ${cpus().length * 100}% CPU busy, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const sets: ScaleSet[] = [];
  for (const n of sizes) {
    const t = Date.now();
    const { set, reused } = await openScaleSet(servers, n, heavyOf(n), opts.fresh);
    sets.push(set);
    console.log(`  ${await ensureFerretDbIndexes(servers, set)}`);
    const load = set.load;
    console.log(
      `data set ${fmtInt(n)} consumers, ${fmtInt(totalEvents(n, set.heavy))} events (heavy ${set.heavy}): ${reused ? 'kept' : `loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`}` +
        (load
          ? `; load took ${load.seconds.toFixed(0)} s (${fmtInt(n / load.seconds)} consumers/s, ${fmtInt(load.events / load.seconds)} events/s; busy time per stage, s, in parallel: ${Object.entries(
              load.perStage,
            )
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`
          : ''),
    );
  }
  if (opts.loadOnly) return;

  build(opts.build);
  const redisUrl = redisUrlWithDb(servers.redisUrl, opts.redisDb);
  const redis = new Redis(redisUrl);
  const clearCache = async () => {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', 'credit:analysis:*', 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.unlink(...found);
    } while (cursor !== '0');
  };
  const phases: PhaseResult[] = [];
  const probes: ProbeRow[] = [];
  const queries: { size: number; m: Measurement }[] = [];
  const runSeed = Date.now() & 0xffff;
  try {
    for (const set of sets) {
      const indexes = groupIndexes(set);
      // Per-store timings first, with no API running.
      const probed = await probeStores(set, indexes, opts.probe, runSeed);
      probes.push(...probed.rows);
      queries.push({ size: set.consumers, m: probed.query });
      console.log(
        `  ${fmtInt(set.consumers)} query in-process, ${opts.rate}/s: p50 ${fmt(probed.query.p50, 2)} p90 ${fmt(probed.query.p90, 2)} p99 ${fmt(probed.query.p99, 2)} max ${fmt(probed.query.max, 1)} ms, errors ${probed.query.errors}`,
      );
      await deleteRecordedInquiries(servers.elasticsearchUrl, set.esIndex);

      const stamp = Date.now();
      const vhost = `bench-uncached-${stamp}`;
      const port = await freePort();
      const cleanups: [string, () => Promise<unknown>][] = [];
      let api: Spawned | undefined;
      let relayWorker: Spawned | undefined;
      try {
        const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, vhost);
        cleanups.push(['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, vhost)]);
        const env = {
          ...scaleEnv(servers, set),
          REDIS_URL: redisUrl,
          RABBITMQ_URL: rabbitmqUrl,
          PORT: String(port),
          HOST: '127.0.0.1',
          RATE_LIMIT_PER_MINUTE: '10000000',
          ANALYSIS_TTL_SECONDS: '3600',
          LOG_LEVEL: 'warn',
          RUN_JOURNAL_RELAYS: opts.relays === 'worker' ? 'false' : 'true',
        };
        runDistScript('db-migrate', [], env);
        const created = runDistScript(
          'api-keys',
          ['create', '--name', `bench-uncached-${stamp}`, '--scopes', 'analysis:read'],
          env,
        );
        const apiKey = /cak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created)?.[0];
        if (!apiKey) throw new Error('no API key in the output of npm run apikey');
        cleanups.push([
          'revoke the API key',
          async () => runDistScript('api-keys', ['revoke', apiKey.split('_')[1]!], env),
        ]);
        const profileFile = join(ROOT, 'bench/.profiles', `uncached-${stamp}-${set.consumers}.cpuprofile`);
        api = opts.profile
          ? await spawnApp('api', { ...env, BENCH_CPU_PROFILE: profileFile }, /Swagger UI/, 120_000, [
              '-r',
              './bench/lib/cpu-profile-hook.js',
            ])
          : await spawnApp('api', env, /Swagger UI/, 120_000);
        if (opts.relays === 'worker')
          relayWorker = await spawnApp(
            'ingestion-worker',
            { ...env, RUN_JOURNAL_RELAYS: 'true' },
            /ingestion-worker consuming/,
            120_000,
          );
        const headers = { 'x-api-key': apiKey, 'x-purpose': PURPOSE };
        const base = `http://127.0.0.1:${port}`;
        // CPFs of the 10-event group in a run-specific order; each phase takes the next unread ones.
        const e10 = shuffled(indexes.e10, runSeed + set.consumers);
        let taken = 0;
        const take = (n: number) => {
          const out = e10.slice(taken, taken + n);
          taken += out.length;
          return out.map((i) => `/v1/credit-analyses/${cpfOf(i)}`);
        };
        // Warm-up (connections, JIT, key cache), not measured.
        await clearCache();
        await paced({
          url: base,
          paths: take(Math.min(300, Math.floor(e10.length / 10))),
          headers,
          ratePerSecond: 100,
          durationSeconds: 3,
          maxSockets: 32,
        });

        if (opts.profile) {
          mkdirSync(join(ROOT, 'bench/.profiles'), { recursive: true });
          api.process.kill('SIGWINCH');
        }
        let profiledRequests = 0;
        const measure = async (name: string, paths: string[], run: (paths: string[]) => Promise<Measurement>) => {
          await clearCache();
          await sleep(1000);
          const s0 = await searches(servers.elasticsearchUrl, set.esIndex);
          const meter = cpuBreakdown({ api: api!.pid, 'relay worker': relayWorker?.pid });
          const m = await run(paths);
          const cpu = meter();
          const load1 = loadavg()[0]!;
          await sleep(200);
          const s1 = await searches(servers.elasticsearchUrl, set.esIndex);
          profiledRequests += m.requests;
          const r: PhaseResult = {
            ...m,
            name,
            size: set.consumers,
            searchesPerRequest: (s1 - s0) / Math.max(1, m.requests),
            distinct: m.requests <= paths.length,
            cpu,
            load1,
          };
          phases.push(r);
          console.log(
            `  ${fmtInt(set.consumers)} ${name}: ${fmtInt(m.reqPerSec)} req/s, p50 ${fmt(m.p50, 2)} p90 ${fmt(m.p90, 2)} p99 ${fmt(m.p99, 2)} max ${fmt(m.max, 1)} ms, non-200 ${m.non200}, errors ${m.errors}, ES searches/request ${fmt(r.searchesPerRequest, 2)}${r.distinct ? '' : ' (CPFS REUSED: some hits)'}; api CPU ${fmt(cpu.api ?? 0, 0)}%${relayWorker ? `, relay worker ${fmt(cpu['relay worker'] ?? 0, 0)}%` : ''}, machine ${fmt(cpu[MACHINE] ?? 0, 0)}%, stolen by the host ${fmt(cpu[STOLEN] ?? 0, 0)}%, load1 ${fmt(load1, 2)}`,
          );
        };
        const atRate = (paths: string[]) =>
          paced({
            url: base,
            paths,
            headers,
            ratePerSecond: opts.rate,
            durationSeconds: opts.duration,
            maxSockets: 64,
          });
        // Paced sends can run one tick past the duration: a little more than rate × duration distinct CPFs.
        const need = Math.ceil(opts.rate * opts.duration * 1.05) + 5;
        await measure(`e10, ${opts.rate} req/s`, take(need), atRate);
        for (const c of concurrencies) {
          // Enough distinct CPFs for the phase at the rates asked; with fewer, the phase stops when they are used up.
          const paths = take(
            Math.min(Math.floor((e10.length - taken) / (concurrencies.length + 1)), 1000 * opts.duration),
          );
          // autocannon's amount overrides the duration, so it is set only when the set has fewer CPFs than the phase
          // could read.
          await measure(`e10, ${c} connection${c > 1 ? 's' : ''}`, paths, (p) =>
            saturate({
              url: base,
              paths: p,
              headers,
              connections: c,
              durationSeconds: opts.duration,
              maxRequests: p.length < 1000 * opts.duration ? p.length : undefined,
            }),
          );
        }
        if (opts.profile) {
          api.process.kill('SIGWINCH');
          for (let i = 0; i < 100 && !existsSync(profileFile); i++) await sleep(100);
          await sleep(500);
          const p = summarizeProfile(profileFile);
          console.log(
            `\nCPU profile of the API over ${fmtInt(profiledRequests)} uncached requests (${fmt(p.busyMs / 1000, 1)} s busy of ${fmt(p.totalMs / 1000, 1)} s), self time by origin:`,
          );
          console.log(
            table(
              ['origin', '% of busy', 'µs per request'],
              p.categories.map(([c, ms]) => [c, fmt((ms / p.busyMs) * 100, 1), fmt((ms * 1000) / profiledRequests, 1)]),
            ),
          );
          console.log(
            table(
              ['heaviest functions (self time)', '% of busy'],
              p.functions.slice(0, 20).map(([f, ms]) => [f.slice(0, 110), fmt((ms / p.busyMs) * 100, 1)]),
            ),
          );
          console.log(`profile: ${profileFile}`);
        }
        for (const group of ['e100', 'e1000'] as const) {
          if (indexes[group].length === 0) continue;
          const paths = shuffled(indexes[group], runSeed).map((i) => `/v1/credit-analyses/${cpfOf(i)}`);
          await measure(`${group}, ${opts.rate} req/s`, paths.slice(0, need), atRate);
        }
        // The same rate on 10-event CPFs once more, after the heavy groups, to see drift within the run.
        await measure(`e10, ${opts.rate} req/s (again)`, take(need), atRate);
      } finally {
        if (api) await api.stop();
        if (relayWorker) await relayWorker.stop();
        cleanups.push([
          'delete the inquiries this run recorded',
          async () => deleteRecordedInquiries(servers.elasticsearchUrl, set.esIndex),
        ]);
        if (opts.dropData) cleanups.push(['drop the data set', () => dropScaleSet(servers, set)]);
        await cleanUp(cleanups);
      }
    }
  } finally {
    await clearCache().catch(() => undefined);
    redis.disconnect();
  }

  console.log(
    `\nUncached analysis over HTTP (compiled API, production profile; every request a cache miss: each CPF read once per phase):`,
  );
  console.log(
    table(
      [
        'consumers',
        'phase',
        'req/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'ES searches/req',
        'non-200+err',
        'API CPU %',
        'machine %',
        'stolen %',
        'load1',
      ],
      phases.map((p) => [
        fmtInt(p.size),
        p.name,
        fmtInt(p.reqPerSec),
        fmt(p.p50, 2),
        fmt(p.p90, 2),
        fmt(p.p99, 2),
        fmt(p.max, 1),
        fmt(p.searchesPerRequest, 2),
        String(p.non200 + p.errors),
        fmt(p.cpu.api ?? 0, 0),
        fmt(p.cpu[MACHINE] ?? 0, 0),
        fmt(p.cpu[STOLEN] ?? 0, 0),
        fmt(p.load1, 2),
      ]),
    ),
  );
  // Where the machine's CPU goes per request: a miss wakes the API, three data servers, Redis and the relays.
  const cpuGroups = [
    'api',
    'relay worker',
    'PostgreSQL',
    'FerretDB',
    'Elasticsearch',
    'Redis',
    'RabbitMQ',
    'load generator',
    'other processes',
  ];
  const perRequest = (p: PhaseResult, group: string) =>
    fmt(((p.cpu[group] ?? 0) / 100 / Math.max(1, p.reqPerSec)) * 1000, 2);
  console.log(
    '\nCPU per request in each phase, ms (process CPU ÷ requests; the load generator is this benchmark process):',
  );
  console.log(
    table(
      ['consumers', 'phase', ...cpuGroups, MACHINE],
      phases.map((p) => [fmtInt(p.size), p.name, ...cpuGroups.map((g) => perRequest(p, g)), perRequest(p, MACHINE)]),
    ),
  );
  console.log(
    `\nGetCreditAnalysisQuery in this process through the QueryBus, cache always missing, ${opts.rate}/s open loop for ${opts.duration} s, 10-event CPFs (no HTTP, auth, rate limit or audit):`,
  );
  console.log(
    table(
      ['consumers', 'queries', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'],
      queries.map(({ size, m }) => [
        fmtInt(size),
        fmtInt(m.requests),
        fmt(m.p50, 2),
        fmt(m.p90, 2),
        fmt(m.p99, 2),
        fmt(m.max, 1),
        String(m.errors),
      ]),
    ),
  );
  console.log(
    `\nEach store's read alone, one call at a time, ${opts.probe} CPFs per group, through our adapters (ms):`,
  );
  console.log(
    table(
      ['consumers', 'events/CPF', 'call', 'p50', 'p99', 'max'],
      probes.map((r) => [fmtInt(r.size), r.group.slice(1), r.what, fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.max, 1)]),
    ),
  );
  const target = phases.filter((p) => p.size === largest && p.name.startsWith('e10,') && p.name.includes('req/s'));
  if (target.length)
    console.log(
      `\nTarget p99 < 25 ms at ${fmtInt(largest)} consumers, fixed rate: ${target.map((p) => `${fmt(p.p99, 2)} ms`).join(', ')} ${target.every((p) => p.p99 < 25) ? 'MET' : 'NOT MET'}`,
    );
  console.log(`\ntotal run time ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runMain(main);
