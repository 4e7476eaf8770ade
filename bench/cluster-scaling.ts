/**
 * The same workloads on the single-node servers and on the cluster profile, interleaved.
 * How it works: docs/benchmarks.md. Run: `npm run bench:scaling -- --help`.
 */
import 'reflect-metadata';
import { EXCHANGES, QUEUES } from '@app/contracts';
import { ApiKeys } from '@app/credit-application';
import { brokerUserOf, serverUrls } from '@app/platform';
import { Cpf, SystemClock } from '@app/shared-kernel';
import amqp from 'amqplib';
import { execFileSync } from 'node:child_process';
import { TypeormApiKeyRepository, postgresDataSource } from '@app/adapters/postgres';
import { parseArgs, runMain } from './lib/args';
import { Measurement, fmt, fmtInt, median, saturate, table } from './lib/load';
import { ROOT, Spawned, build, freePort, machineCpu, sleep, spawnApp, waitForQuiet } from './lib/processes';

const USAGE = `usage: npm run bench:scaling -- [options]
  --rounds N        interleaved rounds of each side (default 3)
  --duration S      seconds of saturation per read round (default 10)
  --connections N   autocannon connections (default 64)
  --cpfs N          consumers created and read round robin (default 200)
  --events K        events per ingestion round (default 50000)
  --parts LIST      reads,ingest (default both)
  --build MODE      auto (default), always or never`;

const opts = parseArgs(
  { rounds: 3, duration: 10, connections: 64, cpfs: 200, events: 50_000, parts: 'reads,ingest', build: 'auto' },
  USAGE,
);

/** The environment a script of scripts/services exports. */
function sourced(script: string): Record<string, string> {
  const out = execFileSync('bash', ['-c', `source scripts/services/${script} >/dev/null 2>&1 && env -0`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .split('\0')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

const pick = (env: Record<string, string>, names: string[]) => Object.fromEntries(names.map((n) => [n, env[n]!]));

/**
 * Starts a phase once the machine is under 25% busy (at most 60 s later): an ingestion round leaves work behind
 * (re-scoring by the rating workers, Elasticsearch replicating and merging) that would be charged to the next phase.
 */
async function settle(phase: string): Promise<void> {
  const { waitedMs, busyShare } = await waitForQuiet(0.25, 60_000);
  console.log(
    `${phase}: started after ${(waitedMs / 1000).toFixed(0)} s, machine ${Math.round(busyShare * 100)}% busy`,
  );
}

async function esCount(url: string, index: string, prefix: string): Promise<number> {
  const base = serverUrls(url)[0];
  await fetch(`${base}/${index}/_refresh`, { method: 'POST' });
  const res = await fetch(`${base}/${index}/_count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { prefix: { eventId: prefix } } }),
  });
  return res.ok ? ((await res.json()) as { count: number }).count : 0;
}

/** Publishes `events` events in batches of 500 with confirms and waits until the index holds them; events/s. */
async function ingestRound(
  amqpUrl: string,
  esUrl: string,
  index: string,
  prefix: string,
  events: number,
): Promise<number> {
  const connection = await amqp.connect(serverUrls(amqpUrl)[0]!);
  const channel = await connection.createConfirmChannel();
  const started = Date.now();
  for (let b = 0; b < events / 500; b++) {
    const batch = Array.from({ length: 500 }, (_, i) => {
      const n = b * 500 + i;
      const base = String(400_000_000 + (n % 3_000) * 7_919).padStart(9, '0');
      return {
        eventId: `${prefix}-${n}`,
        cpf: base + Cpf.checkDigits(base),
        type: 'FINANCIAL_MOVEMENT',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        kind: 'DEPOSIT',
        amountCents: 100 + n,
      };
    });
    channel.publish(
      EXCHANGES.commands,
      QUEUES.ingestTransactions,
      Buffer.from(JSON.stringify({ batchId: `${prefix}-b${b}`, events: batch })),
      {
        persistent: true,
        contentType: 'application/json',
        userId: brokerUserOf(amqpUrl),
      },
    );
    if (b % 32 === 31) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  await connection.close();
  while ((await esCount(esUrl, index, prefix)) < events) {
    if (Date.now() - started > 600_000) throw new Error(`${prefix}: not all stored within 10 minutes`);
    await sleep(250);
  }
  return events / ((Date.now() - started) / 1000);
}

async function main(): Promise<void> {
  build(opts.build);
  const single = sourced('env.sh');
  const cluster = sourced('cluster-env.sh');
  const stamp = Date.now();
  const index = `credit-transactions-scaling-${stamp}`;
  const shared = pick(cluster, ['DATABASE_URL', 'MONGODB_URL', 'DATA_ENCRYPTION_KEYS', 'CPF_LOOKUP_KEY']);
  const singleEnv: Record<string, string> = {
    ...shared,
    ...pick(single, ['ELASTICSEARCH_URL', 'REDIS_URL', 'RABBITMQ_URL']),
    REDIS_CLUSTER_NODES: '',
    ELASTICSEARCH_INDEX: index,
    REDIS_NAMESPACE: `scaling${stamp}`,
    RATE_LIMIT_PER_MINUTE: '10000000',
    LOG_LEVEL: 'warn',
  };
  const db = await postgresDataSource(shared.DATABASE_URL!).initialize();
  const { plaintext: key } = await new ApiKeys(new TypeormApiKeyRepository(db), new SystemClock()).create(
    `scaling-${stamp}`,
    ['analysis:read', 'consumer:write'],
  );
  await db.destroy();
  const spawned: Spawned[] = [];
  try {
    const port = await freePort();
    // As the profile and docker-compose deploy them: the API serves, the worker relays the journals.
    spawned.push(
      await spawnApp('api', { ...singleEnv, PORT: String(port), RUN_JOURNAL_RELAYS: 'false' }, /Swagger UI/),
    );
    spawned.push(await spawnApp('ingestion-worker', singleEnv, /consuming/));
    spawned.push(await spawnApp('rating-worker', singleEnv, /consuming/));
    const sides = { single: `http://127.0.0.1:${port}`, cluster: cluster.CLUSTER_API_URL! };
    const headers = { 'x-api-key': key, 'x-purpose': 'CREDIT_GRANTING' };
    const probe = await fetch(`${sides.cluster}/v1/credit-analyses/12345678909`, { headers });
    const limit = Number(probe.headers.get('x-ratelimit-limit'));
    if (limit < 1_000_000) {
      throw new Error(
        `the cluster profile allows ${limit} requests per client and minute: restart its apps with ` +
          'RATE_LIMIT_PER_MINUTE=1000000 (cluster.sh down apps, then up apps)',
      );
    }

    const cpfs = Array.from({ length: opts.cpfs }, (_, i) => {
      const base = String(500_000_000 + (stamp % 1_000_000) + i * 104_729)
        .slice(-9)
        .padStart(9, '1');
      return base + Cpf.checkDigits(base);
    }).filter((c) => Cpf.isValid(c));
    for (const cpf of cpfs) {
      await fetch(`${sides.single}/v1/consumers/${cpf}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Pessoa de Teste',
          address: {
            street: 'Rua A',
            number: '1',
            district: 'Centro',
            city: 'São Paulo',
            state: 'SP',
            postalCode: '01001-000',
          },
          debts: [],
        }),
      });
    }
    const paths = cpfs.map((c) => `/v1/credit-analyses/${c}`);
    const rows: Record<string, Measurement[]> = { single: [], cluster: [] };
    const ingest: Record<string, number[]> = { single: [], cluster: [] };
    const cpuBefore = machineCpu();
    for (let round = 1; round <= opts.rounds; round++) {
      for (const side of ['single', 'cluster'] as const) {
        await settle(`round ${round} ${side}`);
        if (opts.parts.includes('reads')) {
          // Warm up: fill every cache.
          await saturate({ url: sides[side], paths, headers, connections: opts.connections, durationSeconds: 2 });
          const m = await saturate({
            url: sides[side],
            paths,
            headers,
            connections: opts.connections,
            durationSeconds: opts.duration,
          });
          rows[side]!.push(m);
          console.log(
            `round ${round} ${side} reads: ${fmtInt(m.reqPerSec)} req/s, p50 ${fmt(m.p50)} ms, p99 ${fmt(m.p99)} ms, non-200 ${m.non200}`,
          );
        }
        if (opts.parts.includes('ingest')) {
          await settle(`round ${round} ${side} ingestion`);
          const target =
            side === 'single'
              ? { amqp: singleEnv.RABBITMQ_URL!, es: singleEnv.ELASTICSEARCH_URL!, index }
              : { amqp: cluster.RABBITMQ_URL!, es: cluster.ELASTICSEARCH_URL!, index: 'credit-transactions-v1' };
          const rate = await ingestRound(
            target.amqp,
            target.es,
            target.index,
            `scaling-${stamp}-${side}-${round}`,
            opts.events,
          );
          ingest[side]!.push(rate);
          console.log(`round ${round} ${side} ingestion: ${fmtInt(rate)} events/s`);
        }
      }
    }
    const cpu = machineCpu();
    const busy = (cpu.busy - cpuBefore.busy) / Math.max(1, cpu.total - cpuBefore.total);
    console.log(
      `\nmedians of ${opts.rounds} interleaved rounds; machine ${Math.round(busy * 100)}% busy over the run (${cpu.steal > cpuBefore.steal ? 'some' : 'no'} steal)`,
    );
    console.log(
      table(
        ['workload', 'single node', 'cluster profile', 'cluster / single'],
        [
          ...(opts.parts.includes('reads')
            ? [
                [
                  'cached reads, req/s',
                  fmtInt(median(rows.single!.map((m) => m.reqPerSec))),
                  fmtInt(median(rows.cluster!.map((m) => m.reqPerSec))),
                  fmt(median(rows.cluster!.map((m) => m.reqPerSec)) / median(rows.single!.map((m) => m.reqPerSec)), 2),
                ],
                [
                  'cached reads, p50 ms',
                  fmt(median(rows.single!.map((m) => m.p50))),
                  fmt(median(rows.cluster!.map((m) => m.p50))),
                  '',
                ],
                [
                  'cached reads, p99 ms',
                  fmt(median(rows.single!.map((m) => m.p99))),
                  fmt(median(rows.cluster!.map((m) => m.p99))),
                  '',
                ],
              ]
            : []),
          ...(opts.parts.includes('ingest')
            ? [
                [
                  'ingestion, events/s',
                  fmtInt(median(ingest.single!)),
                  fmtInt(median(ingest.cluster!)),
                  fmt(median(ingest.cluster!) / median(ingest.single!), 2),
                ],
              ]
            : []),
        ],
      ),
    );
  } finally {
    await Promise.all(spawned.map((s) => s.stop()));
    await fetch(`${serverUrls(singleEnv.ELASTICSEARCH_URL!)[0]}/${index}`, { method: 'DELETE' }).catch(() => undefined);
  }
}

runMain(main);
