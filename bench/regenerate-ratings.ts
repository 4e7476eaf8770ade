/**
 * Regenerating every rating with the compiled API and N rating workers, a model release then a no-op job.
 * How it works: docs/benchmarks.md. Run: `npm run bench:regen -- --help`.
 */
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { parseArgs, runMain } from './lib/args';
import { fmt, fmtInt, table } from './lib/load';
import { build, cpuBreakdown, freePort, MACHINE, ROOT, runDistScript, sleep, spawnApp, Spawned } from './lib/processes';
import { ensureFerretDbIndexes, openScaleSet, scaleEnv, scaleUrls } from './lib/scale-data';
import { cleanUp, createVhost, deleteVhost, redisUrlWithDb, serversFromEnv } from './lib/resources';

const USAGE = `usage: npm run bench:regen -- [options]
  --consumers N   data set (default 100000; loaded first if missing, which is not a measured run)
  --heavy N       its heavy groups (default 0: 10 events per consumer)
  --workers LIST  rating-worker counts to compare, comma-separated (default 1,2)
  --rounds N      rounds over the worker counts (default 1)
  --only MODE     release, unchanged or both (default both)
  --build MODE    auto (default), always or never
  --redis-db N    Redis logical database for the apps (default 13)
  --timeout S     stop following a job after this many seconds (default 1800)`;

const opts = parseArgs(
  { consumers: 100000, heavy: 0, workers: '1,2', rounds: 1, only: 'both', build: 'auto', redisDb: 13, timeout: 1800 },
  USAGE,
);

interface JobDto {
  id: string;
  status: string;
  total: number;
  processed: number;
  rated: number;
  unchanged: number;
  failed: number;
  ratingsPerSecond: number;
  partitions: { total: number; completed: number; failed: number };
  bandMoves: { from: string; up: number; down: number; same: number }[];
  newlyRated: number;
  error: string | null;
}

interface Result {
  round: number;
  workers: number;
  kind: 'release' | 'unchanged';
  seconds: number;
  job: JobDto;
  peakRss: number[];
  startRss: number[];
  cpu: Record<string, number>;
}

/** Resident set now and at its peak (VmHWM), MiB, from /proc. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The built-in model under another version, its intercept moved by `shift`: a release that changes every rating. */
function releaseArtefact(version: string, shift: number): string {
  const artefact = JSON.parse(
    readFileSync(join(ROOT, 'libs/credit-domain/src/scoring/artefacts/credit-model-v1.json'), 'utf8'),
  ) as { modelVersion: string; intercept: number };
  artefact.modelVersion = version;
  artefact.intercept += shift;
  const dir = join(ROOT, 'bench/.data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${version}.json`);
  writeFileSync(path, JSON.stringify(artefact));
  return path;
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = serversFromEnv();
  const workerCounts = opts.workers
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  console.log(
    `regenerate-ratings benchmark: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const { set, reused } = await openScaleSet(servers, opts.consumers, opts.heavy, false);
  console.log(
    `data set: ${fmtInt(set.consumers)} consumers (${reused ? 'kept' : 'loaded now'}), index ${set.esIndex}; ${await ensureFerretDbIndexes(servers, set)}`,
  );
  build(opts.build);

  const stamp = Date.now();
  const vhost = `bench-regen-${stamp}`;
  const port = await freePort();
  const cleanups: [string, () => Promise<unknown>][] = [];
  const spawned: Spawned[] = [];
  const results: Result[] = [];
  try {
    const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, vhost);
    cleanups.push(['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, vhost)]);
    const env = {
      ...scaleEnv(servers, set),
      REDIS_URL: redisUrlWithDb(servers.redisUrl, opts.redisDb),
      REDIS_NAMESPACE: `bench-regen-${stamp}`,
      RABBITMQ_URL: rabbitmqUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '10000000',
      LOG_LEVEL: 'warn',
    };
    runDistScript('db-migrate', [], env);
    const created = runDistScript(
      'api-keys',
      ['create', '--name', `bench-regen-${stamp}`, '--scopes', 'ratings:admin'],
      env,
    );
    const apiKey = /cak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created)?.[0];
    if (!apiKey) throw new Error('no API key in the output of npm run apikey');
    cleanups.push([
      'revoke the API key',
      async () => runDistScript('api-keys', ['revoke', apiKey.split('_')[1]!], env),
    ]);
    const api = await spawnApp('api', env, /Swagger UI/, 120_000);
    spawned.push(api);
    const base = `http://127.0.0.1:${port}/v1/ratings/regenerations`;
    const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };

    const runJob = (modelVersion: string, workers: Spawned[]) =>
      followJob(modelVersion, workers).catch((error: Error) => {
        // A fetch that fails means a process died: its last words say why.
        for (const p of [api, ...workers]) console.error(`--- ${p.name} (${p.pid})\n${p.output().slice(-3000)}`);
        throw error;
      });
    const followJob = async (
      modelVersion: string,
      workers: Spawned[],
    ): Promise<{ job: JobDto; seconds: number; cpu: Record<string, number> }> => {
      const meter = cpuBreakdown({
        ...Object.fromEntries(workers.map((w, i) => [`rating-worker ${i + 1}`, w.pid])),
        api: api.pid,
      });
      const t0 = Date.now();
      let job = (await (
        await fetch(base, { method: 'POST', headers, body: JSON.stringify({ scope: 'ALL', modelVersion }) })
      ).json()) as JobDto;
      if (!job.id) throw new Error(`the API refused the job: ${JSON.stringify(job)}`);
      while (job.status === 'PENDING' || job.status === 'RUNNING') {
        if (Date.now() - t0 > opts.timeout * 1000)
          throw new Error(`job ${job.id} still ${job.status} after ${opts.timeout} s: ${JSON.stringify(job)}`);
        await sleep(250);
        job = (await (await fetch(`${base}/${job.id}`, { headers })).json()) as JobDto;
      }
      return { job, seconds: (Date.now() - t0) / 1000, cpu: meter() };
    };

    let release = 0;
    for (let round = 1; round <= opts.rounds; round++) {
      for (const count of workerCounts) {
        release += 1;
        const version = `woe-logistic-v1-bench-${stamp}-${release}`;
        const modelPath = releaseArtefact(version, release % 2 === 0 ? 0.15 : -0.15);
        const workers = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            spawnApp(
              'rating-worker',
              { ...env, SCORING_MODEL_PATH: modelPath, RUN_JOURNAL_RELAYS: i === 0 ? 'true' : 'false' },
              /consuming/,
              120_000,
            ),
          ),
        );
        spawned.push(...workers);
        try {
          const startRss = workers.map((w) => rss(w.pid).now);
          for (const kind of ['release', 'unchanged'] as const) {
            if (opts.only !== 'both' && opts.only !== kind) continue;
            const { job, seconds, cpu } = await runJob(version, workers);
            const peakRss = workers.map((w) => rss(w.pid).peak);
            results.push({ round, workers: count, kind, seconds, job, peakRss, startRss, cpu });
            console.log(
              `round ${round}, ${count} worker(s), ${kind}: ${job.status} ${fmtInt(job.processed)} CPFs in ${fmt(seconds, 1)} s = ${fmtInt(job.processed / seconds)}/s ` +
                `(rated ${fmtInt(job.rated)}, unchanged ${fmtInt(job.unchanged)}, failed ${job.failed}; partitions ${job.partitions.completed}/${job.partitions.total}); ` +
                `peak RSS ${peakRss.map((r) => fmt(r, 0)).join(', ')} MiB`,
            );
            if (job.status !== 'COMPLETED') throw new Error(`job ended ${job.status}: ${job.error}`);
          }
        } finally {
          for (const w of workers) await w.stop();
          spawned.splice(spawned.indexOf(workers[0]!), workers.length);
        }
      }
    }

    console.log(
      `\nRating regeneration of ${fmtInt(set.consumers)} consumers (compiled API + rating-workers over RabbitMQ; FerretDB, PostgreSQL, Elasticsearch, Redis):`,
    );
    console.log(
      table(
        [
          'round',
          'workers',
          'job',
          'seconds',
          'ratings/s',
          'rated / unchanged',
          'partitions',
          'worker RSS start → peak MiB',
          'CPU % of one core',
        ],
        results.map((r) => [
          String(r.round),
          String(r.workers),
          r.kind,
          fmt(r.seconds, 1),
          fmtInt(r.job.processed / r.seconds),
          `${fmtInt(r.job.rated)} / ${fmtInt(r.job.unchanged)}`,
          `${r.job.partitions.completed}/${r.job.partitions.total}`,
          r.startRss.map((s, i) => `${fmt(s, 0)} → ${fmt(r.peakRss[i]!, 0)}`).join(', '),
          Object.entries(r.cpu)
            .filter(([g]) => g !== MACHINE)
            .map(([g, v]) => `${g} ${fmt(v, 0)}`)
            .join(', ') + `; machine ${fmt(r.cpu[MACHINE] ?? 0, 0)}`,
        ]),
      ),
    );
    const lastRelease = results.filter((r) => r.kind === 'release').pop();
    if (lastRelease) {
      console.log(`\nBand moves of the last release (${lastRelease.job.newlyRated} newly rated):`);
      console.log(
        table(
          ['from band', 'up', 'down', 'same'],
          lastRelease.job.bandMoves.map((b) => [b.from, fmtInt(b.up), fmtInt(b.down), fmtInt(b.same)]),
        ),
      );
    }
    const ratings = await mongoose
      .createConnection(scaleUrls(servers, set).mongodbUrl, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      console.log(
        `\nstored: ${fmtInt(await ratings.collection('ratings').estimatedDocumentCount())} ratings, ${fmtInt(await ratings.collection('rating_heads').estimatedDocumentCount())} heads`,
      );
    } finally {
      await ratings.close();
    }
  } finally {
    for (const s of spawned.reverse()) await s.stop();
    await cleanUp(cleanups);
    console.log(`\ntotal run time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

runMain(main);
