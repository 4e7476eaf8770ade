import { EXCHANGES, QUEUES } from '@app/contracts';
import amqp from 'amqplib';
import { createVhost } from '@app/testing/contracts';
import { connectRabbitMq } from './rabbitmq.connection';
import { RabbitMqPublisher } from './rabbitmq.publisher';
import { RabbitMqServer } from './rabbitmq.server';
import { TopologyMismatchError } from './rabbitmq.topology';

/**
 * A virtual host where the ingest queue was declared by an older topology (no dead-letter arguments) and holds a
 * message. The broker refuses our declaration with 406 PRECONDITION_FAILED: start-up must fail with a message that
 * names the queue and the fix, the process must not die of an unhandled 'error' event, and the old queue and its
 * message must be left as they were.
 */
describe('RabbitMQ topology that does not match what this version declares', () => {
  const queue = QUEUES.ingestTransactions;
  let vhost: Awaited<ReturnType<typeof createVhost>>;

  const queueDepth = async (): Promise<number> => {
    const conn = await amqp.connect(vhost.url);
    try {
      const ch = await conn.createChannel();
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await conn.close();
    }
  };

  beforeAll(async () => {
    vhost = await createVhost('topology-mismatch');
    const conn = await amqp.connect(vhost.url);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: true });
    ch.sendToQueue(queue, Buffer.from('{"events":[]}'), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
  });

  afterAll(async () => {
    await vhost.drop();
  });

  it('fails the publisher start-up with the queue named and the way out, leaving the queue and its message alone', async () => {
    const connection = connectRabbitMq(vhost.url, 'mismatch-publisher');
    const publisher = new RabbitMqPublisher(connection, { retryDelayMs: 200 });
    try {
      const failure = await publisher.waitForConnect().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TopologyMismatchError);
      expect(failure).toMatchObject({ kind: 'queue', entity: queue });
      expect((failure as Error).message).toContain(`"${queue}" already exists with other settings`);
      expect((failure as Error).message).toContain(`rabbitmqctl delete_queue -p <vhost> ${queue}`);
      expect((failure as Error).message).toContain('PRECONDITION_FAILED');
    } finally {
      await publisher.close();
      await connection.close();
    }
    expect(await queueDepth()).toBe(1);
  });

  it('hands the same error to the transport listen callback instead of waiting forever', async () => {
    const server = new RabbitMqServer({
      url: vhost.url,
      name: 'mismatch-server',
      prefetch: 1,
      maxAttempts: 3,
      retryDelayMs: 200,
    });
    server.addHandler(queue, async () => undefined);
    try {
      const failure = await new Promise<unknown>((resolve) => server.listen((error) => resolve(error)));
      expect(failure).toBeInstanceOf(TopologyMismatchError);
      expect((failure as TopologyMismatchError).entity).toBe(queue);
    } finally {
      await server.close();
    }
    expect(await queueDepth()).toBe(1);
  });
});

/**
 * A broker where the commands exchange is still the direct exchange older versions declared. It is a topic exchange
 * now (topic permissions are checked on topic exchanges only), so start-up stops and says how to move on.
 */
describe('a commands exchange declared direct by an older version', () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;

  beforeAll(async () => {
    vhost = await createVhost('topology-commands');
    const conn = await amqp.connect(vhost.url);
    await (await conn.createChannel()).assertExchange(EXCHANGES.commands, 'direct', { durable: true });
    await conn.close();
  });

  afterAll(async () => {
    await vhost.drop();
  });

  it('fails the start-up naming the exchange and the command that removes it', async () => {
    const connection = connectRabbitMq(vhost.url, 'mismatch-exchange');
    const publisher = new RabbitMqPublisher(connection, { retryDelayMs: 200 });
    try {
      const failure = await publisher.waitForConnect().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ kind: 'exchange', entity: EXCHANGES.commands });
      expect((failure as Error).message).toContain(`delete exchange name=${EXCHANGES.commands}`);
    } finally {
      await publisher.close();
      await connection.close();
    }
  });
});
