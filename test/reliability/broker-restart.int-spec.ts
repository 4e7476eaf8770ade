import { EXCHANGES, QUEUES } from '@app/contracts';
import { RabbitMqPublisher, brokerUserOf, connectRabbitMq } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireEnv } from '@app/testing/contracts';
import { RunningApp, ensureBuilt, eventsIndex, eventually, serversEnv, startApp } from '../system/app-processes';

const ROOT = join(__dirname, '..', '..');
const EVENTS = 20_000;
const BATCH = 250;

/**
 * A broker of its own (another port, another data folder) so it can be restarted without touching the shared one.
 * The publisher is the API's own RabbitMqPublisher: while the broker is away it holds messages and publishes them on
 * reconnection, and a publish resolves only once confirmed. Durable queues and persistent messages survive the restart.
 */
describe('a RabbitMQ restart during ingestion loses nothing', () => {
  const port = 5680 + Math.floor(Math.random() * 50);
  const dir = mkdtempSync(join(tmpdir(), 'rmq-restart-'));
  const services = (command: string) =>
    execFileSync('bash', [join(ROOT, 'scripts/services/services.sh'), command, 'rabbitmq'], {
      env: {
        ...process.env,
        SERVICES_DIR: dir,
        SERVICES_CACHE_DIR: join(ROOT, '.services/cache'),
        SERVICES_RABBITMQ_PORT: String(port),
        SERVICES_RABBITMQ_MGMT_PORT: String(port + 10_000),
      },
      stdio: 'inherit',
    });
  const run = `restart${Date.now()}`;
  // Everything real, but RabbitMQ is this suite's own broker.
  const env: Record<string, string> = {
    ...serversEnv(`credit-transactions-${run}`),
    RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${port}`,
  };
  const index = eventsIndex(env.ELASTICSEARCH_URL, env.ELASTICSEARCH_INDEX);
  const count = index.count;
  let worker: RunningApp | undefined;

  beforeAll(() => {
    requireEnv('RABBITMQ_URL');
    ensureBuilt();
    services('up');
  }, 120_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    try {
      services('down');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await index.drop();
  }, 60_000);

  it('confirms every publish and stores every event once, across the restart', async () => {
    worker = await startApp('ingestion-worker', env, /ingestion-worker consuming/);
    const connection = connectRabbitMq(env.RABBITMQ_URL, 'restart-test-publisher');
    const publisher = new RabbitMqPublisher(connection, { retryDelayMs: 2_000 }, 120_000);
    await publisher.waitForConnect();
    const base = '300000000';
    const cpf = base + Cpf.checkDigits(base);
    let sum = 0;
    const publishes: Promise<void>[] = [];
    let restarted = false;
    for (let b = 0; b < EVENTS / BATCH; b++) {
      const events = Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        const amountCents = 1 + (n % 9_973);
        sum += amountCents;
        return {
          eventId: `${run}-${n}`,
          cpf,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: new Date(Date.now() - n * 1_000).toISOString(),
          kind: 'DEPOSIT',
          amountCents,
        };
      });
      publishes.push(
        publisher.publish(
          EXCHANGES.commands,
          QUEUES.ingestTransactions,
          { batchId: `${run}-${b}`, events },
          { userId: brokerUserOf(env.RABBITMQ_URL) },
        ),
      );
      if (!restarted && b === EVENTS / BATCH / 2) {
        await Promise.all(publishes.slice(0, -5));
        restarted = true;
        services('restart');
      }
    }
    const outcomes = await Promise.allSettled(publishes);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    await eventually(async () => (await count()) === EVENTS, 180_000, `all ${EVENTS} events stored after the restart`);
    expect(await index.amountSum()).toBe(sum);
    await publisher.close();
    await connection.close();
  }, 400_000);
});
