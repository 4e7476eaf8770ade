import { ApiKeys } from '@app/credit-application';
import { Scope } from '@app/credit-domain';
import { serverUrls } from '@app/platform';
import { SystemClock } from '@app/shared-kernel';
import { execFileSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { TypeormApiKeyRepository, postgresDataSource } from '@app/adapters/postgres';
import { requireEnv } from '@app/testing/contracts';
import { CLUSTER_SCRIPT } from './global-setup';

/** The events index the profile's apps write to (ELASTICSEARCH_INDEX's default). */
export const PROFILE_INDEX = 'credit-transactions-v1';

/** The profile's URLs, as cluster-env.sh exports them (failing, never skipping, when one is missing). */
export function clusterEnv() {
  return {
    DATABASE_URL: requireEnv('DATABASE_URL'),
    MONGODB_URL: requireEnv('MONGODB_URL'),
    ELASTICSEARCH_URL: requireEnv('ELASTICSEARCH_URL'),
    REDIS_CLUSTER_NODES: requireEnv('REDIS_CLUSTER_NODES'),
    RABBITMQ_URL: requireEnv('RABBITMQ_URL'),
    DATA_ENCRYPTION_KEYS: requireEnv('DATA_ENCRYPTION_KEYS'),
    CPF_LOOKUP_KEY: requireEnv('CPF_LOOKUP_KEY'),
  };
}

/** stop, kill or start one node of the profile (redis-1..6, rabbitmq-1..3, elasticsearch-1..3, lb, api-1..2, …). */
export function node(verb: 'stop' | 'kill' | 'start', name: string): void {
  execFileSync('bash', [CLUSTER_SCRIPT, verb, name], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** An API key in the profile's database, as `npm run apikey -- create` makes one; returns the key and its id. */
export async function createApiKey(name: string, scopes: Scope[]): Promise<{ key: string; id: string }> {
  const db = await postgresDataSource(requireEnv('DATABASE_URL')).initialize();
  try {
    const keys = new ApiKeys(new TypeormApiKeyRepository(db), new SystemClock());
    const { record, plaintext } = await keys.create(name, scopes);
    return { key: plaintext, id: record.id };
  } finally {
    await db.destroy();
  }
}

/** A request to the first Elasticsearch node that answers: a test must not depend on the node it just stopped. */
export async function esRequest<T>(
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<T> {
  let last: unknown;
  for (const url of serverUrls(requireEnv('ELASTICSEARCH_URL'))) {
    try {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return (await res.json()) as T;
      last = new Error(`${path}: ${res.status} ${await res.text()}`);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** Makes what was indexed so far searchable (Elasticsearch refuses a body on this request). */
export async function esRefresh(index: string): Promise<void> {
  await esRequest(`/${index}/_refresh`, undefined, 'POST');
}

/** The events of one run (ids starting with `prefix`): how many and the sum of their amounts, after a refresh. */
export async function runEvents(prefix: string): Promise<{ count: number; amountSum: number }> {
  await esRefresh(PROFILE_INDEX);
  type Result = { hits: { total: { value: number } }; aggregations: { sum: { value: number } } };
  const result = await esRequest<Result>(`/${PROFILE_INDEX}/_search`, {
    size: 0,
    track_total_hits: true,
    query: { prefix: { eventId: prefix } },
    aggs: { sum: { sum: { field: 'amountCents' } } },
  });
  return { count: result.hits.total.value, amountSum: result.aggregations.sum.value };
}

/** The RabbitMQ management API of the first node that answers. */
export async function rabbitApi<T>(path: string): Promise<T> {
  const base = Number(requireEnv('RABBITMQ_MANAGEMENT_PORT'));
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${base + i}/api${path}`, {
        headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return (await res.json()) as T;
      last = new Error(`${path}: ${res.status}`);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** Which of the profile's nodes (rabbitmq-1..3) an Erlang node name (rabbit-5811@localhost) is. */
export function rabbitNodeName(erlangNode: string): string {
  const port = Number(/rabbit-(\d+)@/.exec(erlangNode)?.[1]);
  const first = Number(new URL(serverUrls(requireEnv('RABBITMQ_URL'))[0]!).port);
  return `rabbitmq-${port - first + 1}`;
}

/** A bounded loop of work items run `concurrency` at a time until `until()` says stop: the load of a fault test. */
export async function runLoad(
  concurrency: number,
  until: () => boolean,
  work: (worker: number, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (!until()) await work(worker, next++);
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nothing listens on now, for an app process a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
