import { Cpf } from '@app/shared-kernel';
import { serverUrls } from '@app/platform';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { Client as PgClient } from 'pg';
import { createRedisClient, redisJournals, rateWindow } from '@app/adapters/redis';
import { journalLength, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { RunningApp, ensureBuilt, eventually, startApp } from '../system/app-processes';
import { clusterEnv, createApiKey, esRefresh, esRequest, freePort, node, runLoad, sleep } from './cluster-harness';

const CPFS = 40;
const CONCURRENCY = 8;
const LOAD_MS = 20_000;

interface Answer {
  status: number;
  cache?: string;
  cpf: string;
  requestId: string;
  startedAt: number;
  remaining?: number;
}

/**
 * A Redis primary killed (SIGKILL) under a load of cached analysis reads through two API processes: the primary that
 * holds the client's rate counter. Its replica takes over within the cluster's node timeout; meanwhile reads are
 * answered from the stores, and each served read's audit entry and bureau inquiry are journalled on a replicated
 * write (WAIT) or written to their destinations. No served read may lack either, neither may be stored twice, and
 * the rate counter must survive the failover and go on counting on the promoted replica.
 */
describe('a Redis primary fails over under cached-read load', () => {
  const ns = `fo${Date.now()}`;
  const index = `credit-transactions-${ns}`;
  const apis: RunningApp[] = [];
  let ports: number[] = [];
  const cpfs = Array.from({ length: CPFS }, () => uniqueCpf());
  let redis: Cluster;
  let reader: { key: string; id: string };
  let killed: string | undefined;
  const readerName = `fo-reader-${ns}`;

  const get = async (api: number, cpf: Cpf, requestId: string, key = reader.key) => {
    const res = await fetch(`http://127.0.0.1:${ports[api]}/v1/credit-analyses/${cpf.value}`, {
      headers: { 'x-api-key': key, 'x-purpose': 'CREDIT_GRANTING', 'x-request-id': requestId },
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return {
      status: res.status,
      cache: res.headers.get('x-cache') ?? undefined,
      remaining: Number(res.headers.get('x-ratelimit-remaining')),
    };
  };

  beforeAll(async () => {
    ensureBuilt();
    ports = [await freePort(), await freePort()];
    redis = createRedisClient(
      { mode: 'cluster', nodes: serverUrls(requireEnv('REDIS_CLUSTER_NODES')).map((n) => `redis://${n}`) },
      { enableOfflineQueue: true },
    ) as Cluster;
    const writer = await createApiKey(`fo-writer-${ns}`, ['consumer:write']);
    reader = await createApiKey(readerName, ['analysis:read']);
    const env = {
      ...clusterEnv(),
      ELASTICSEARCH_INDEX: index,
      REDIS_NAMESPACE: ns,
      RATE_LIMIT_PER_MINUTE: '100000',
      RUN_JOURNAL_RELAYS: 'true',
      HOST: '127.0.0.1',
    };
    apis.push(
      ...(await Promise.all(ports.map((port) => startApp('api', { ...env, PORT: String(port) }, /Swagger UI/)))),
    );
    for (const cpf of cpfs) {
      const res = await fetch(`http://127.0.0.1:${ports[0]}/v1/consumers/${cpf.value}`, {
        method: 'PUT',
        headers: { 'x-api-key': writer.key, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Maria da Silva Santos',
          address: {
            street: 'Avenida Paulista',
            number: '1578',
            district: 'Bela Vista',
            city: 'São Paulo',
            state: 'SP',
            postalCode: '01310-200',
          },
          debts: [],
        }),
      });
      expect([200, 201]).toContain(res.status);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    if (killed) node('start', killed);
    redis?.disconnect();
    await fetch(`${serverUrls(requireEnv('ELASTICSEARCH_URL'))[0]}/${index}`, { method: 'DELETE' }).catch(
      () => undefined,
    );
  }, 120_000);

  it('holds one rate limit across the two API processes', async () => {
    const shared = await createApiKey(`fo-shared-${ns}`, ['analysis:read']);
    if (Date.now() % 60_000 > 55_000) await sleep(6_000); // ten requests, all in one minute's window
    const remaining: number[] = [];
    for (let i = 0; i < 10; i++)
      remaining.push((await get(i % 2, cpfs[0]!, `${ns}-shared-${i}`, shared.key)).remaining!);
    expect(remaining).toEqual(Array.from({ length: 10 }, (_, i) => 100_000 - 1 - i));
  }, 60_000);

  it('serves every read with its audit entry and its one inquiry, and keeps counting the rate across the failover', async () => {
    const served = new Map<string, number>(cpfs.map((c) => [c.value, 0]));
    // Warm: a miss fills the cache, the second read is a hit (both served, both recorded).
    for (const cpf of cpfs) {
      for (const n of [0, 1]) {
        expect((await get(n, cpf, `${ns}-warm-${cpf.value}-${n}`)).status).toBe(200);
        served.set(cpf.value, served.get(cpf.value)! + 1);
      }
    }
    // The whole load within one minute's rate window, so one counter holds all of it.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 25_000) await sleep(60_000 - intoMinute + 200);
    const rateKey = rateWindow(ns, reader.id, Date.now()).key;
    const owner = await slotOwner(redis, calculateSlot(rateKey));
    const answers: Answer[] = [];
    const started = Date.now();
    let killedAt = 0;
    let counterAtKill = 0;
    let failedOverAt = 0;
    const load = runLoad(
      CONCURRENCY,
      () => Date.now() - started > LOAD_MS,
      async (_w, i) => {
        const cpf = cpfs[i % CPFS]!;
        const requestId = `${ns}-r${i}`;
        const startedAt = Date.now();
        try {
          answers.push({ ...(await get(i % 2, cpf, requestId)), cpf: cpf.value, requestId, startedAt });
        } catch {
          answers.push({ status: 0, cpf: cpf.value, requestId, startedAt });
        }
      },
    );
    await sleep(5_000);
    counterAtKill = Number(await redis.get(rateKey));
    killed = owner.node;
    killedAt = Date.now();
    node('kill', owner.node);
    await eventually(
      async () => (await slotOwner(redis, calculateSlot(rateKey)).catch(() => owner)).port !== owner.port,
      30_000,
      'a replica to take over the slot',
    );
    failedOverAt = Date.now();
    await load;

    const failed = answers.filter((a) => a.status !== 200);
    console.log(
      `${answers.length} reads in ${LOAD_MS / 1000} s, ${answers.filter((a) => a.cache === 'HIT').length} served from the cache; ` +
        `${owner.node} killed at +${((killedAt - started) / 1000).toFixed(1)} s, replica took over ${((failedOverAt - killedAt) / 1000).toFixed(1)} s later`,
    );
    expect(failed).toEqual([]);
    for (const a of answers) served.set(a.cpf, served.get(a.cpf)! + 1);

    // The counter survived (at most the requests in flight at the kill were lost with the primary) and went on: every
    // request begun once the clients had the new topology counted on the promoted replica.
    const counted = Number(await redis.get(rateKey));
    const afterFailover = answers.filter((a) => a.startedAt > failedOverAt + 2_000).length;
    expect(counterAtKill).toBeGreaterThan(0);
    expect(counted).toBeGreaterThanOrEqual(counterAtKill - CONCURRENCY + afterFailover);

    // Everything journalled has reached the audit log and C.
    const journals = [redisJournals.audit(ns, 'cluster'), redisJournals.inquiry(ns, 'cluster')];
    await eventually(
      async () => (await Promise.all(journals.map((j) => journalLength(redis, j)))).every((n) => n === 0),
      60_000,
      'the journals to drain',
    );
    await sleep(1_500); // the relays' last batches, and the buffered recorders' direct writes

    const pg = new PgClient({ connectionString: requireEnv('DATABASE_URL') });
    await pg.connect();
    const rows = (
      await pg.query<{ request_id: string; n: string }>(
        'SELECT request_id, count(*) AS n FROM audit_log WHERE client_id = $1 GROUP BY request_id',
        [readerName],
      )
    ).rows;
    await pg.end();
    const audited = new Map(rows.map((r) => [r.request_id, Number(r.n)]));
    const unaudited = answers.filter((a) => !audited.has(a.requestId));
    expect(unaudited).toEqual([]);
    // A read whose step timed out after journalling it is served by the stores too; its one key keeps it one entry.
    const twice = [...audited].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice).toEqual([]);

    await esRefresh(index);
    const byCpf = await esRequest<{ aggregations: { cpfs: { buckets: { key: string; doc_count: number }[] } } }>(
      `/${index}/_search`,
      {
        size: 0,
        query: { bool: { filter: [{ term: { type: 'BUREAU_INQUIRY' } }, { term: { inquirer: readerName } }] } },
        aggs: { cpfs: { terms: { field: 'cpf', size: CPFS * 2 } } },
      },
    );
    const inquiries = Object.fromEntries(byCpf.aggregations.cpfs.buckets.map((b) => [b.key, b.doc_count]));
    expect(inquiries).toEqual(Object.fromEntries(served));
  }, 300_000);
});

/** The profile's node (redis-1..6) serving a slot as primary, from the cluster's own map. */
async function slotOwner(redis: Cluster, slot: number): Promise<{ node: string; port: number }> {
  const ranges = (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`slot ${slot} is not served`);
  const port = Number(range[2][1]);
  const first = Number(serverUrls(requireEnv('REDIS_CLUSTER_NODES'))[0]!.split(':').pop());
  return { node: `redis-${port - first + 1}`, port };
}
