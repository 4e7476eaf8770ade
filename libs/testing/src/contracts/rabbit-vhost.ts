import { requireEnv } from './unique-cpf';

/**
 * A throwaway RabbitMQ virtual host: a suite gets its own exchanges and queues, so nothing it publishes, breaks or
 * restarts can reach another suite running at the same time. Uses the management API on port 15672.
 */
export async function createVhost(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(requireEnv('RABBITMQ_URL'));
  const vhost = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const api = `http://127.0.0.1:${process.env.RABBITMQ_MANAGEMENT_PORT ?? 15672}/api`;
  const auth = {
    authorization: `Basic ${Buffer.from(`${decodeURIComponent(base.username || 'guest')}:${decodeURIComponent(base.password || 'guest')}`).toString('base64')}`,
    'content-type': 'application/json',
  };
  const put = async (path: string, body: unknown) => {
    const res = await fetch(`${api}${path}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`RabbitMQ management ${path}: ${res.status} ${await res.text()}`);
  };
  await put(`/vhosts/${encodeURIComponent(vhost)}`, {});
  await put(
    `/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(decodeURIComponent(base.username || 'guest'))}`,
    { configure: '.*', write: '.*', read: '.*' },
  );
  const url = new URL(base.toString());
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return {
    url: url.toString(),
    drop: async () => {
      await fetch(`${api}/vhosts/${encodeURIComponent(vhost)}`, { method: 'DELETE', headers: auth });
    },
  };
}
