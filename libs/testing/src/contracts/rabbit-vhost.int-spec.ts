import {
  STALE_VHOST_MS,
  createMarkedVhost,
  createVhost,
  deleteStaleVhosts,
  deleteVhost,
  listVhosts,
  managementRequest,
} from './rabbit-vhost';
import { requireEnv } from './unique-cpf';

/** A suite or a benchmark stopped by Ctrl-C leaves its virtual host; the next run deletes it, and nothing else. */
describe('virtual hosts left by interrupted runs', () => {
  const amqpUrl = requireEnv('RABBITMQ_URL');
  const run = `vhost-spec-${process.pid}-${Date.now()}`;
  const mark = `${run} mark, made at `;
  const names = { stale: `${run}-stale`, fresh: `${run}-fresh`, unmarked: `${run}-unmarked` };

  beforeAll(async () => {
    const now = Date.now();
    await createMarkedVhost(amqpUrl, names.stale, mark, new Date(now - STALE_VHOST_MS - 60_000));
    await createMarkedVhost(amqpUrl, names.fresh, mark, new Date(now - STALE_VHOST_MS + 60_000));
    // Made as an operator would, without a mark.
    expect((await managementRequest(amqpUrl, 'PUT', `/vhosts/${names.unmarked}`, {})).ok).toBe(true);
  });

  afterAll(async () => {
    for (const name of Object.values(names)) await deleteVhost(amqpUrl, name);
  });

  it('deletes the ones with the mark older than the limit and keeps the rest', async () => {
    const deleted = await deleteStaleVhosts(amqpUrl, mark);
    expect(deleted).toEqual([names.stale]);
    const left = (await listVhosts(amqpUrl)).map((v) => v.name);
    expect(left).not.toContain(names.stale);
    expect(left).toEqual(expect.arrayContaining([names.fresh, names.unmarked, '/']));
  });

  it("marks a suite's virtual host with when it was made, and its drop deletes it", async () => {
    const before = Date.now();
    const { url, drop } = await createVhost('vhost-spec');
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const made = (await listVhosts(amqpUrl)).find((v) => v.name === name);
    const madeAt = Date.parse(made?.description?.replace(/^test suite, made at /, '') ?? '');
    expect(madeAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(madeAt).toBeLessThanOrEqual(Date.now());

    await drop();
    expect((await listVhosts(amqpUrl)).map((v) => v.name)).not.toContain(name);
  });
});
