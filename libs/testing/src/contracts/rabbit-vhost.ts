import { requireEnv } from './unique-cpf';

/**
 * Older than this, a marked virtual host is one a run left behind (a suite or a benchmark stopped by Ctrl-C skips its
 * clean-up): no run lasts that long.
 */
export const STALE_VHOST_MS = 6 * 3_600_000;

/** One call to RabbitMQ's management API as the AMQP URL's user; an error status other than `tolerated` throws. */
export async function managementRequest(
  amqpUrl: string,
  method: 'GET' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  tolerated: number[] = [],
): Promise<Response> {
  const { base, auth } = management(amqpUrl);
  const res = await fetch(base + path, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && !tolerated.includes(res.status))
    throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/**
 * Makes a virtual host the AMQP URL's user may use, describing itself with `mark` and when it was made, so that a
 * later run can tell one left behind; returns its AMQP URL.
 */
export async function createMarkedVhost(amqpUrl: string, vhost: string, mark: string, madeAt: Date): Promise<string> {
  const { user } = management(amqpUrl);
  const path = encodeURIComponent(vhost);
  await managementRequest(amqpUrl, 'PUT', `/vhosts/${path}`, { description: mark + madeAt.toISOString() });
  await managementRequest(amqpUrl, 'PUT', `/permissions/${path}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  const url = new URL(amqpUrl);
  url.pathname = `/${path}`;
  return url.toString();
}

/** A virtual host as the management API lists it: its name and, when it was made with one, its description. */
interface Vhost {
  name: string;
  description?: string;
}

/** The broker's virtual hosts. */
export async function listVhosts(amqpUrl: string): Promise<Vhost[]> {
  return (await (await managementRequest(amqpUrl, 'GET', '/vhosts')).json()) as Vhost[];
}

/** Deletes the virtual hosts with `mark` made before `now - STALE_VHOST_MS`; returns their names. */
export async function deleteStaleVhosts(amqpUrl: string, mark: string, now = Date.now()): Promise<string[]> {
  const stale = (await listVhosts(amqpUrl))
    .filter(({ description }) => description?.startsWith(mark))
    .filter(({ description }) => Date.parse(description!.slice(mark.length)) < now - STALE_VHOST_MS)
    .map(({ name }) => name);
  for (const name of stale) await deleteVhost(amqpUrl, name);
  return stale;
}

export async function deleteVhost(amqpUrl: string, vhost: string): Promise<void> {
  await managementRequest(amqpUrl, 'DELETE', `/vhosts/${encodeURIComponent(vhost)}`, undefined, [404]);
}

/** How a test suite's virtual host describes itself: the mark, then when it was made. */
const TEST_VHOST = 'test suite, made at ';

/**
 * A throwaway RabbitMQ virtual host: a suite gets its own exchanges and queues, so nothing it publishes, breaks or
 * restarts can reach another suite running at the same time. Those earlier suites left behind are deleted first.
 */
export async function createVhost(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const amqpUrl = requireEnv('RABBITMQ_URL');
  await deleteStaleVhosts(amqpUrl, TEST_VHOST);
  const vhost = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const url = await createMarkedVhost(amqpUrl, vhost, TEST_VHOST, new Date());
  return { url, drop: () => deleteVhost(amqpUrl, vhost) };
}

/** The management API beside the broker the AMQP URL names (RABBITMQ_MANAGEMENT_PORT, 15672 by default). */
function management(amqpUrl: string) {
  const u = new URL(amqpUrl);
  const user = decodeURIComponent(u.username || 'guest');
  const pass = decodeURIComponent(u.password || 'guest');
  const port = process.env.RABBITMQ_MANAGEMENT_PORT || process.env.SERVICES_RABBITMQ_MGMT_PORT || '15672';
  return {
    base: `http://${u.hostname}:${port}/api`,
    auth: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
    user,
  };
}
