/**
 * Rating regeneration of the whole base, as production runs it: the compiled API and the compiled rating-worker as
 * processes of their own over a RabbitMQ virtual host of the run, on the data set of bench/lib/scale-data.ts
 * (PostgreSQL, FerretDB, Elasticsearch). The job is started with POST /v1/ratings/regenerations {"scope": "ALL"}
 * (what `npm run ratings:regenerate -- --all` sends) and followed with GET until it completes. Prints consumers per
 * second, total time, the worker's peak RSS and where the CPU went.
 *
 *   npm run bench:uncached -- --load-only --consumers 100000     # the data set, once, outside the lock
 *   flock /tmp/bench.lock npm run bench:regen
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import mongoose from 'mongoose';
import { parseArgs, runMain } from './lib/args';
import { fmt, fmtInt, table } from './lib/load';
import { build, cpuBreakdown, freePort, MACHINE, runDistScript, sleep, spawnApp, Spawned, spawnNode } from './lib/processes';
import { openScaleSet, scaleEnv, scaleUrls, ensureFerretDbIndexes } from './lib/scale-data';
import { cleanUp, createVhost, deleteVhost, redisUrlWithDb, serversFromEnv } from './lib/resources';

const USAGE = `usage: npm run bench:regen -- [options]
  --consumers N   data set (default 100000; loaded first if missing, which is not a measured run)
  --heavy N       its heavy groups (default 1000, as bench:uncached's largest set)
  --build MODE    auto (default), always or never
  --redis-db N    Redis logical database for the apps (default 13)
  --timeout S     stop following the job after this many seconds and report the rate so far (default 3600)
  --rewrite       drop the stored ratings first (indexes made again before any read), so every consumer's rating is
                  written, audited and announced, as after a model change; by default most ratings come out unchanged
  --worker-root DIR  run the rating-worker compiled in another checkout (e.g. a git worktree of an older commit,
                  built with npx tsc -p tsconfig.build.json) to compare versions; the API stays this checkout's`;

const opts = parseArgs({ consumers: 100000, heavy: 1000, build: 'auto', redisDb: 13, timeout: 3600, workerRoot: '', rewrite: false }, USAGE);

interface JobDto { id: string; status: string; total: number; processed: number; failed: number; ratingsPerSecond: number; error: string | null; createdAt: string; finishedAt: string | null }


/** Resident set now and at its peak (VmHWM), MiB, from /proc. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const started = Date.now();
  const servers = serversFromEnv();
  console.log(`regenerate-ratings benchmark: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}`);
  const idle = cpuBreakdown({});
  await sleep(1000);
  console.log(`  machine before the run: ${fmt(idle()[MACHINE] ?? 0, 0)}% of ${cpus().length * 100}% CPU busy, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const { set, reused } = await openScaleSet(servers, opts.consumers, opts.heavy, false);
  console.log(`data set: ${fmtInt(set.consumers)} consumers (${reused ? 'kept' : 'loaded now'}), index ${set.esIndex}; ${await ensureFerretDbIndexes(servers, set)}`);
  if (opts.rewrite) {
    const conn = await mongoose.createConnection(scaleUrls(servers, set).mongodbUrl, { serverSelectionTimeoutMS: 5000 }).asPromise();
    try {
      await conn.collection('ratings').drop().catch(() => undefined);
      // The declared index (as MongooseRatingIndexes makes it), then FerretDB's GIN index, before any read.
      await conn.collection('ratings').createIndex({ cpf: 1, generatedAt: -1 }, { name: 'cpf_generatedAt' });
    } finally {
      await conn.close();
    }
    console.log(`--rewrite: ratings dropped; ${await ensureFerretDbIndexes(servers, set)}`);
  }
  build(opts.build);

  const stamp = Date.now();
  const vhost = `bench-regen-${stamp}`;
  const port = await freePort();
  const spawned: Spawned[] = [];
  const cleanups: [string, () => Promise<unknown>][] = [];
  const ratingsCollection = async () => {
    const conn = await mongoose.createConnection(scaleUrls(servers, set).mongodbUrl, { serverSelectionTimeoutMS: 5000 }).asPromise();
    try {
      return await conn.collection('ratings').estimatedDocumentCount();
    } finally {
      await conn.close();
    }
  };
  try {
    const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, vhost);
    cleanups.push(['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, vhost)]);
    const env = {
      ...scaleEnv(servers, set), REDIS_URL: redisUrlWithDb(servers.redisUrl, opts.redisDb), RABBITMQ_URL: rabbitmqUrl,
      PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000000', LOG_LEVEL: 'warn',
    };
    runDistScript('db-migrate', [], env);
    const created = runDistScript('api-keys', ['create', '--name', `bench-regen-${stamp}`, '--scopes', 'ratings:admin'], env);
    const apiKey = /cak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created)?.[0];
    if (!apiKey) throw new Error('no API key in the output of npm run apikey');
    cleanups.push(['revoke the API key', async () => runDistScript('api-keys', ['revoke', apiKey.split('_')[1]!], env)]);
    const [api, worker] = await Promise.all([
      spawnApp('api', env, /Swagger UI/, 120_000),
      opts.workerRoot
        // Same command as spawnApp, from the other checkout's folder (its dist/, tsconfig.json and node_modules).
        ? spawnNode('rating-worker', ['-r', 'tsconfig-paths/register', 'dist/apps/rating-worker/src/main.js'], { TS_NODE_BASEURL: './dist', LOG_FORMAT: 'json', ...env }, /consuming/, 120_000, opts.workerRoot)
        : spawnApp('rating-worker', env, /consuming/, 120_000),
    ]);
    spawned.push(api, worker);
    const base = `http://127.0.0.1:${port}/v1/ratings/regenerations`;
    const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
    const before = await ratingsCollection();
    const rssAtStart = rss(worker.pid);

    const meter = cpuBreakdown({ 'rating-worker': worker.pid, api: api.pid });
    const t0 = Date.now();
    let job = (await (await fetch(base, { method: 'POST', headers, body: JSON.stringify({ scope: 'ALL' }) })).json()) as JobDto;
    const postSeconds = (Date.now() - t0) / 1000;
    if (!job.id) throw new Error(`the API refused the job: ${JSON.stringify(job)}`);
    console.log(`job started: total ${fmtInt(job.total)} CPFs with features; the POST answered in ${fmt(postSeconds, 2)} s`);
    let lastPrint = 0;
    let load1Max = 0;
    while (job.status === 'PENDING' || job.status === 'RUNNING') {
      if (Date.now() - t0 > opts.timeout * 1000) {
        console.log(`stopped following the job after ${opts.timeout} s: the figures below are for the part done so far`);
        break;
      }
      await sleep(500);
      job = (await (await fetch(`${base}/${job.id}`, { headers })).json()) as JobDto;
      load1Max = Math.max(load1Max, loadavg()[0]!);
      if (Date.now() - lastPrint > 15_000) {
        lastPrint = Date.now();
        const r = rss(worker.pid);
        console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${fmtInt(job.processed)}/${fmtInt(job.total)}, ${fmtInt(job.processed / ((Date.now() - t0) / 1000))} consumers/s, worker RSS ${fmt(r.now, 0)} MiB, load1 ${loadavg()[0]!.toFixed(2)}`);
      }
    }
    const seconds = (Date.now() - t0) / 1000;
    const cpu = meter();
    const memory = rss(worker.pid);
    await sleep(500);
    const after = await ratingsCollection();
    if (opts.workerRoot) console.log(`rating-worker from ${opts.workerRoot} (git ${require('node:child_process').execFileSync('git', ['-C', opts.workerRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()})`);
    console.log(`job ${job.status}: processed ${fmtInt(job.processed)}, failed ${job.failed}${job.error ? `, error ${job.error}` : ''}`);
    console.log('\nRating regeneration, whole base (job through the API, compiled rating-worker over RabbitMQ):');
    console.log(table(['measure', 'value'], [
      ['consumers in the base (with features)', fmtInt(job.total)],
      ['processed / failed', `${fmtInt(job.processed)} / ${fmtInt(job.failed)}`],
      ['ratings written (changed) / unchanged', `${fmtInt(after - before)} / ${fmtInt(job.processed - (after - before))}`],
      ['POST answered in (it registers the job with its estimated total)', `${fmt(postSeconds, 2)} s`],
      ['total time, POST → COMPLETED seen', `${fmt(seconds, 1)} s`],
      ['consumers per second', fmtInt(job.processed / seconds)],
      ['the job\'s own ratingsPerSecond', fmt(job.ratingsPerSecond, 1)],
      ['rating-worker peak RSS (VmHWM)', `${fmt(memory.peak, 0)} MiB (at start ${fmt(rssAtStart.now, 0)} MiB)`],
      ['CPU, % of one core', ['rating-worker', 'api', 'PostgreSQL', 'FerretDB', 'Elasticsearch', 'RabbitMQ', 'Redis', 'other processes'].map((g) => `${g} ${fmt(cpu[g] ?? 0, 0)}`).join(', ')],
      ['machine busy, % of 200', fmt(cpu[MACHINE] ?? 0, 0)],
      ['highest load average (1 min) seen', fmt(load1Max, 2)],
    ]));
  } finally {
    for (const s of spawned.reverse()) await s.stop();
    await cleanUp(cleanups);
    console.log(`\ntotal run time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

runMain(main);
