import { STALE_VHOST_MS, createMarkedVhost, deleteStaleVhosts, deleteVhost, managementRequest } from './resources';

/** A benchmark stopped by Ctrl-C leaves its virtual host; the next run deletes it, and nothing else. */
describe('benchmark virtual hosts left by interrupted runs', () => {
  const amqpUrl = process.env.RABBITMQ_URL!;
  const run = `bench-vhost-spec-${process.pid}-${Date.now()}`;
  const names = { stale: `${run}-stale`, fresh: `${run}-fresh`, unmarked: `${run}-unmarked` };

  beforeAll(async () => {
    const now = Date.now();
    await createMarkedVhost(amqpUrl, names.stale, new Date(now - STALE_VHOST_MS - 60_000));
    await createMarkedVhost(amqpUrl, names.fresh, new Date(now - STALE_VHOST_MS + 60_000));
    // Made as a test or an operator would, without the benchmark's mark.
    expect((await managementRequest(amqpUrl, 'PUT', `/vhosts/${names.unmarked}`, {})).ok).toBe(true);
  });

  afterAll(async () => {
    for (const name of Object.values(names)) await deleteVhost(amqpUrl, name);
  });

  it('deletes the marked ones older than the limit and keeps the rest', async () => {
    const deleted = await deleteStaleVhosts(amqpUrl);
    expect(deleted).toContain(names.stale);
    expect(deleted).not.toContain(names.fresh);
    expect(deleted).not.toContain(names.unmarked);
    const left = ((await (await managementRequest(amqpUrl, 'GET', '/vhosts')).json()) as { name: string }[]).map(
      (v) => v.name,
    );
    expect(left).not.toContain(names.stale);
    expect(left).toEqual(expect.arrayContaining([names.fresh, names.unmarked, '/']));
  });
});
