import { EVENTS as EVENT_KEYS, EXCHANGES, QUEUES, TransactionsIngestedV1, deadLetterQueue } from '@app/contracts';
import { brokerUserOf } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import amqp from 'amqplib';
import { execFileSync } from 'node:child_process';
import { createVhost } from '@app/testing/contracts';
import { RunningApp, ensureBuilt, eventsIndex, eventually, serversEnv, startApp } from '../system/app-processes';

const EVENTS = 50_000;
const BATCH = 500;

function cpfPool(size: number): string[] {
  return Array.from({ length: size }, (_, i) => {
    const base = String(200_000_000 + i * 7_919).padStart(9, '0');
    return base + Cpf.checkDigits(base);
  }).filter((c) => Cpf.isValid(c));
}

/**
 * Kill -9 the ingestion worker in the middle of a 50,000-event stream and start it again: at-least-once delivery plus
 * idempotent writes must leave every event stored exactly once, proven by count and by a checksum of the amounts.
 * Every batch is announced too (transactions-ingested, which re-scores its CPFs): the worker acks a batch only after
 * the broker confirmed its announcement, and a redelivered batch announces again though it stores nothing new.
 */
describe('ingestion survives a worker killed mid-stream', () => {
  const run = `rel${Date.now()}`;
  const env = serversEnv(`credit-transactions-${run}`);
  const index = eventsIndex(env.ELASTICSEARCH_URL, env.ELASTICSEARCH_INDEX);
  const count = index.count;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let worker: RunningApp | undefined;

  beforeAll(async () => {
    vhost = await createVhost('reliability');
    env.RABBITMQ_URL = vhost.url;
    ensureBuilt();
    execFileSync('npm', ['run', '-s', 'db:migrate'], { env: { ...process.env, ...env }, stdio: 'inherit' });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await vhost?.drop();
    await index.drop();
  });

  it('stores every event exactly once, with nothing dead-lettered', async () => {
    worker = await startApp('ingestion-worker', env, /ingestion-worker consuming/);
    const connection = await amqp.connect(env.RABBITMQ_URL);
    const channel = await connection.createConfirmChannel();
    const announced = new Set<string>();
    const announcements = (await channel.assertQueue('', { exclusive: true })).queue;
    await channel.bindQueue(announcements, EXCHANGES.events, EVENT_KEYS.transactionsIngested);
    await channel.consume(
      announcements,
      (msg) => msg && announced.add((JSON.parse(msg.content.toString()) as TransactionsIngestedV1).batchId),
      { noAck: true },
    );
    const cpfs = cpfPool(2_000);
    let sentSum = 0;
    const started = Date.now();
    for (let b = 0; b < EVENTS / BATCH; b++) {
      const events = Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        const amountCents = 100 + ((n * 7_919) % 100_000);
        sentSum += amountCents;
        return {
          eventId: `${run}-${n}`,
          cpf: cpfs[n % cpfs.length],
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: new Date(Date.now() - (n % 1_000) * 60_000).toISOString(),
          kind: 'DEPOSIT',
          amountCents,
        };
      });
      channel.publish(
        EXCHANGES.commands,
        QUEUES.ingestTransactions,
        Buffer.from(JSON.stringify({ batchId: `${run}-b${b}`, events })),
        { persistent: true, contentType: 'application/json', userId: brokerUserOf(env.RABBITMQ_URL) },
      );
    }
    await channel.waitForConfirms();

    await eventually(async () => (await count()) >= EVENTS / 5, 60_000, 'a fifth of the stream to be stored');
    const before = await count();
    await worker.stop('SIGKILL');
    expect(before).toBeLessThan(EVENTS);
    worker = await startApp('ingestion-worker', env, /ingestion-worker consuming/);

    await eventually(async () => (await count()) === EVENTS, 120_000, `all ${EVENTS} events stored`);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `stored ${EVENTS} events in ${seconds.toFixed(1)} s (${Math.round(EVENTS / seconds)} events/s) across a kill -9 at ${before}`,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await count()).toBe(EVENTS);
    expect(await index.amountSum()).toBe(sentSum);
    expect((await channel.checkQueue(deadLetterQueue(QUEUES.ingestTransactions))).messageCount).toBe(0);
    expect((await channel.checkQueue(QUEUES.ingestTransactions)).messageCount).toBe(0);
    const batches = Array.from({ length: EVENTS / BATCH }, (_, b) => `${run}-b${b}`);
    await eventually(async () => batches.every((id) => announced.has(id)), 10_000, 'every batch announced');
    await connection.close();
  }, 300_000);
});
