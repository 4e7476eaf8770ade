import { DEAD_LETTER_HEADERS, QUEUES, deadLetterQueue, retryQueue } from '@app/contracts';
import amqp, { GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { createVhost, waitFor } from '@app/testing/contracts';
import { connectRabbitMq } from './rabbitmq.connection';
import { RabbitMqPublisher } from './rabbitmq.publisher';
import { RabbitMqServer } from './rabbitmq.server';
import { TopologyMismatchError, assertTopology } from './rabbitmq.topology';

const Q = 'test.quorum.v1';
const quorum = { queueType: 'quorum' as const, retryDelayMs: 200, deliveryLimit: 2 };

/**
 * Quorum queues (RABBITMQ_QUEUE_TYPE=quorum) on the broker the suites share: one node is enough for their delivery
 * rules, which the cluster suites then rely on. The same retries and dead letters as classic queues, a delivery limit
 * the broker counts for messages whose consumers vanish, and a clear refusal of a queue that has the other type.
 */
describe('quorum queues', () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let server: RabbitMqServer | undefined;
  const handled = new Map<string, number>();

  beforeEach(async () => {
    vhost = await createVhost('quorum');
  });
  afterEach(async () => {
    await server?.close().catch(() => undefined);
    server = undefined;
    await vhost.drop();
  });

  const listen = async (handler: (payload: { id: string; fail?: boolean }) => Promise<unknown>) => {
    const options = { url: vhost.url, name: 'quorum-test', prefetch: 4, maxAttempts: 3, ...quorum };
    server = new RabbitMqServer({ ...options, validate: () => [] });
    server.addHandler(Q, handler, false);
    await new Promise<void>((resolve, reject) => {
      server!.listen((error?: unknown) => (error ? reject(error) : resolve()));
    });
  };
  const queueType = async (name: string) => {
    const port = process.env.RABBITMQ_MANAGEMENT_PORT ?? '15672';
    const vhostName = decodeURIComponent(new URL(vhost.url).pathname.slice(1));
    const path = `${encodeURIComponent(vhostName)}/${encodeURIComponent(name)}`;
    const res = await fetch(`http://127.0.0.1:${port}/api/queues/${path}`, {
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    });
    return ((await res.json()) as { type: string }).type;
  };
  const firstDead = async (): Promise<GetMessage | false> => {
    const connection = await amqp.connect(vhost.url);
    try {
      return await (await connection.createChannel()).get(deadLetterQueue(Q), { noAck: true });
    } finally {
      await connection.close();
    }
  };

  it('declares work, retry and dead-letter queues as quorum, and retries then dead-letters as before', async () => {
    await listen(async (payload) => {
      handled.set(payload.id, (handled.get(payload.id) ?? 0) + 1);
      if (payload.fail) throw new Error('database unavailable');
    });
    for (const name of [Q, retryQueue(Q), deadLetterQueue(Q)]) expect(await queueType(name)).toBe('quorum');
    const id = randomUUID();
    const connection = await amqp.connect(vhost.url);
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(Q, Buffer.from(JSON.stringify({ id, fail: true })), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();
    const dead = await waitFor(firstDead, 10_000, 'the message in the dead-letter queue');
    expect(handled.get(id)).toBe(3);
    expect(dead.properties.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.code]: 'RETRIES_EXHAUSTED',
      [DEAD_LETTER_HEADERS.attempts]: 3,
    });
  }, 30_000);

  it('dead-letters, unhandled, a message whose consumers kept vanishing past the delivery limit', async () => {
    const id = randomUUID();
    const connection = await amqp.connect(vhost.url);
    const confirms = await connection.createConfirmChannel();
    await assertTopology(confirms, quorum, [Q]);
    confirms.sendToQueue(Q, Buffer.from(JSON.stringify({ id })), { persistent: true });
    await confirms.waitForConfirms();
    // A consumer that takes the message and dies before settling it, again and again (as a message that crashes its
    // worker makes it): the broker counts the returns in x-delivery-count.
    for (let taken = 0; taken < quorum.deliveryLimit; taken++) {
      const channel = await connection.createChannel();
      const message = await waitFor(async () => channel.get(Q, { noAck: false }), 5_000, 'the message');
      expect(message.properties.headers?.['x-delivery-count'] ?? 0).toBe(taken);
      await channel.close();
    }
    await connection.close();

    await listen(async (payload) => {
      handled.set(payload.id, (handled.get(payload.id) ?? 0) + 1);
    });
    const dead = await waitFor(firstDead, 10_000, 'the message in the dead-letter queue');
    expect(JSON.parse(dead.content.toString())).toEqual({ id });
    expect(dead.properties.headers).toMatchObject({ [DEAD_LETTER_HEADERS.code]: 'DELIVERY_LIMIT' });
    expect(handled.has(id)).toBe(false);
  }, 30_000);

  it('refuses to start on a classic queue left by a single node, naming the type clash, leaving it alone', async () => {
    const classicConnection = connectRabbitMq(vhost.url, 'classic-publisher');
    const classic = new RabbitMqPublisher(classicConnection, { retryDelayMs: 200 });
    await classic.waitForConnect();
    await classic.close();
    await classicConnection.close();
    const quorumConnection = connectRabbitMq(vhost.url, 'quorum-publisher');
    const publisher = new RabbitMqPublisher(quorumConnection, quorum);
    const failure = await publisher.waitForConnect().then(
      () => null,
      (error: unknown) => error,
    );
    await publisher.close().catch(() => undefined);
    await quorumConnection.close();
    expect(failure).toBeInstanceOf(TopologyMismatchError);
    expect(failure).toMatchObject({ kind: 'queue', entity: QUEUES.ingestTransactions });
    expect((failure as Error).message).toContain('a queue cannot change type in place');
    expect(await queueType(QUEUES.ingestTransactions)).toBe('classic');
  }, 30_000);
});
