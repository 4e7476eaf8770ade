import { requireEnv, uniqueCpf } from '@app/testing/contracts';
import { eventually } from '../system/app-processes';
import { CLUSTER_RATE_LIMIT } from './global-setup';
import { createApiKey, node, runEvents, runLoad, sleep } from './cluster-harness';

const CONCURRENCY = 8;
const LOAD_MS = 15_000;
const BATCH = 20;

/**
 * One of the profile's two API replicas killed (SIGKILL) while clients write batches of events and read analyses
 * through HAProxy. HAProxy sends a request whose connection the dead replica refuses to the other one and takes the
 * dead one out after two failed health checks, so clients see at most the requests in flight on it fail. A client
 * sends a failed batch again (events are idempotent per client by id): every event ends up stored exactly once.
 */
describe('an API replica dies under load behind the load balancer', () => {
  const run = `api-loss-${Date.now()}`;
  const lb = () => requireEnv('CLUSTER_API_URL');
  let killed = false;

  afterAll(() => {
    if (killed) node('start', 'api-1');
  }, 120_000);

  it('fails at most the requests in flight on the dead replica, and loses no event a client sent again', async () => {
    const client = await createApiKey(run, ['transactions:write', 'analysis:read']);
    const headers = { 'x-api-key': client.key, 'x-purpose': 'CREDIT_GRANTING', 'content-type': 'application/json' };
    const probe = await fetch(`${lb()}/v1/credit-analyses/${uniqueCpf().value}`, { headers });
    const limit = Number(probe.headers.get('x-ratelimit-limit'));
    if (limit < 10_000) {
      throw new Error(
        `the running cluster profile allows ${limit} requests per client and minute; this suite sends more. ` +
          `Restart its apps with RATE_LIMIT_PER_MINUTE=${CLUSTER_RATE_LIMIT} bash scripts/services/cluster.sh up apps (after down apps)`,
      );
    }
    const cpf = uniqueCpf().value;
    const failures: { at: number; what: string }[] = [];
    let sentSum = 0;
    let sentEvents = 0;
    let requests = 0;
    const started = Date.now();
    /** One request through the load balancer; a failed one counts, and a batch is sent again until it is accepted. */
    const send = async (init: RequestInit & { url: string }, accepted: (status: number) => boolean): Promise<void> => {
      for (let attempt = 0; attempt < 10; attempt++) {
        requests += 1;
        const status = await fetch(init.url, { ...init, headers, signal: AbortSignal.timeout(15_000) }).then(
          async (res) => {
            await res.arrayBuffer();
            return res.status;
          },
          () => 0,
        );
        if (accepted(status)) return;
        failures.push({ at: Date.now(), what: `${init.method ?? 'GET'} ${status}` });
        if (init.method !== 'POST') return; // a read is not repeated: the client saw it fail
      }
      throw new Error(`${init.url} failed ten times`);
    };
    const load = runLoad(
      CONCURRENCY,
      () => Date.now() - started > LOAD_MS,
      async (_w, i) => {
        if (i % 2 === 1) {
          await send({ url: `${lb()}/v1/credit-analyses/${cpf}` }, (s) => s === 200 || s === 404);
          return;
        }
        const events = Array.from({ length: BATCH }, (_, k) => {
          const n = (i / 2) * BATCH + k;
          const amountCents = 100 + ((n * 7_919) % 100_000);
          return {
            eventId: `${run}-${n}`,
            cpf,
            type: 'FINANCIAL_MOVEMENT',
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
            kind: 'DEPOSIT',
            amountCents,
          };
        });
        await send(
          { url: `${lb()}/v1/transactions`, method: 'POST', body: JSON.stringify({ events }) },
          (s) => s === 202,
        );
        sentEvents += BATCH;
        sentSum += events.reduce((sum, e) => sum + e.amountCents, 0);
      },
    );
    await sleep(4_000);
    const killedAt = Date.now();
    node('kill', 'api-1');
    killed = true;
    await load;

    console.log(
      `${requests} requests through the load balancer, ${failures.length} failed: ${failures.map((f) => `${f.what} at +${f.at - killedAt} ms`).join(', ')}`,
    );
    expect(failures.length).toBeLessThanOrEqual(CONCURRENCY);
    // Failures only around the kill: once HAProxy knew, the surviving replica answered everything.
    expect(failures.every((f) => f.at - killedAt < 5_000)).toBe(true);
    expect(requests - failures.length).toBeGreaterThan(CONCURRENCY * 10);

    await eventually(
      async () => (await runEvents(run)).count === sentEvents,
      120_000,
      `all ${sentEvents} events stored`,
    );
    await sleep(1_500);
    expect(await runEvents(run)).toEqual({ count: sentEvents, amountSum: sentSum });
  }, 240_000);
});
