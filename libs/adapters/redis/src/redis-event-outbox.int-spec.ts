import { EVENTS, EXCHANGES } from '@app/contracts';
import { connectRabbitMq, RabbitMqPublisher } from '@app/platform';
import amqp, { Channel, ChannelModel } from 'amqplib';
import Redis from 'ioredis';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { createVhost, journalEntries, journalLength, requireEnv, uniqueCpf, waitFor } from '@app/testing/contracts';
import { ConsumerDataChangedEvent } from '@app/credit-application';
import { redisOptions } from './redis-client';
import { redisJournals } from './redis-keys';
import { EventOutbox, RedisEventOutboxRelay } from './redis-event-outbox';
import { HANDOFF_MS, RabbitMqEventRelay } from '@app/adapters/rabbitmq';

/**
 * A change event RabbitMQ cannot take is kept in Redis and published once it can. "Cannot take" is a publisher whose
 * broker never answers (a port nothing listens on), so the shared broker is not disturbed; the relay then publishes
 * through a working publisher into a virtual host of this suite, where a queue bound to the events exchange gets it.
 */
describe('Event outbox: change events RabbitMQ could not take', () => {
  const namespace = `it-outbox-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const journal = redisJournals.events(namespace, 'standalone');
  let redis: Redis;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let unreachable: AmqpConnectionManager;
  let reachable: AmqpConnectionManager;
  let failingPublisher: RabbitMqPublisher;
  let publisher: RabbitMqPublisher;
  let consumer: ChannelModel;
  let channel: Channel;
  const queue = 'it.outbox.consumer-data-changed';

  beforeAll(async () => {
    redis = new Redis(redisOptions(requireEnv('REDIS_URL')));
    vhost = await createVhost('outbox');
    unreachable = connectRabbitMq('amqp://guest:guest@127.0.0.1:1/', 'outbox-unreachable');
    // The publisher waits for its channel up to this long per message, then gives up: the case the outbox is for.
    failingPublisher = new RabbitMqPublisher(unreachable, { retryDelayMs: 200 }, 300);
    reachable = connectRabbitMq(vhost.url, 'outbox-relay');
    publisher = new RabbitMqPublisher(reachable, { retryDelayMs: 200 });
    await publisher.waitForConnect();
    consumer = await amqp.connect(vhost.url);
    channel = await consumer.createChannel();
    await channel.assertQueue(queue, { durable: false, exclusive: true });
    await channel.bindQueue(queue, EXCHANGES.events, EVENTS.consumerDataChanged);
  });

  afterAll(async () => {
    await consumer?.close();
    await failingPublisher?.close().catch(() => undefined);
    await unreachable?.close();
    await publisher?.close();
    await reachable?.close();
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await vhost?.drop();
  });

  it('keeps the event in Redis when the publisher gives up, and a relay publishes it once the broker takes it', async () => {
    const cpf = uniqueCpf();
    const relay = new RabbitMqEventRelay(failingPublisher, new EventOutbox(redis, namespace));
    await relay.publish(new ConsumerDataChangedEvent([cpf.value], 'CONSUMER', { correlationId: `corr-${cpf.value}` }));

    const kept = await journalEntries(redis, journal);
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0]![1][1]!)).toEqual({
      exchange: EXCHANGES.events,
      routingKey: EVENTS.consumerDataChanged,
      payload: { cpfs: [cpf.value], dataClass: 'CONSUMER' },
      correlationId: `corr-${cpf.value}`,
    });

    const outboxRelay = new RedisEventOutboxRelay(redis, publisher, namespace, { consumer: 'it', cycleMs: 10 });
    outboxRelay.start();
    try {
      const message = await waitFor(
        async () => channel.get(queue, { noAck: true }),
        10_000,
        'the event on the bound queue',
      );
      expect(JSON.parse(message.content.toString())).toEqual({ cpfs: [cpf.value], dataClass: 'CONSUMER' });
      expect(message.properties).toMatchObject({ correlationId: `corr-${cpf.value}`, deliveryMode: 2 });
      await waitFor(async () => (await journalLength(redis, journal)) === 0, 5_000, 'the outbox to empty');
      expect(await journalLength(redis, journal, true)).toBe(0);
      expect(await outboxRelay.health()).toBe('up');
    } finally {
      await outboxRelay.stop();
    }
  }, 30_000);

  it('hands an event to the outbox after HANDOFF_MS without a confirm, while the publisher would still retry for longer', async () => {
    const cpf = uniqueCpf();
    // A publisher that would keep trying the unreachable broker for 20 s: a command must not wait that long.
    const patient = new RabbitMqPublisher(unreachable, { retryDelayMs: 200 }, 20_000);
    const relay = new RabbitMqEventRelay(patient, new EventOutbox(redis, namespace));
    const before = await journalLength(redis, journal);
    const started = Date.now();
    try {
      await relay.publish(
        new ConsumerDataChangedEvent([cpf.value], 'RATING_FEATURES', { correlationId: `late-${cpf.value}` }),
      );
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(HANDOFF_MS - 50);
      expect(waited).toBeLessThan(HANDOFF_MS + 1_500);
      expect(await journalLength(redis, journal)).toBe(before + 1);
      const late = (entry: [string, string[]]) =>
        (JSON.parse(entry[1][1]!) as { correlationId?: string }).correlationId === `late-${cpf.value}`;
      for (const shard of journal.shards) {
        for (const entry of await redis.xrange(shard.key, '-', '+'))
          if (late(entry)) await redis.xdel(shard.key, entry[0]);
      }
      expect(await journalLength(redis, journal)).toBe(before);
    } finally {
      await patient.close().catch(() => undefined);
    }
  }, 30_000);

  it('dead-letters an outbox entry that is not an event, with the field that is wrong, and keeps publishing the rest', async () => {
    const cpf = uniqueCpf();
    const { key } = journal.shards[0]!;
    await redis.xadd(key, '*', 'entry', JSON.stringify({ exchange: EXCHANGES.events, payload: {} }));
    await redis.xadd(
      key,
      '*',
      'entry',
      JSON.stringify({
        exchange: EXCHANGES.events,
        routingKey: EVENTS.consumerDataChanged,
        payload: { cpfs: [cpf.value], dataClass: 'RATING_FEATURES' },
      }),
    );
    const outboxRelay = new RedisEventOutboxRelay(redis, publisher, namespace, { consumer: 'it', cycleMs: 10 });
    outboxRelay.start();
    try {
      const message = await waitFor(async () => channel.get(queue, { noAck: true }), 10_000, 'the valid event');
      expect(JSON.parse(message.content.toString())).toEqual({ cpfs: [cpf.value], dataClass: 'RATING_FEATURES' });
      const dead = await waitFor(
        async () => (await journalEntries(redis, journal, true)).at(0),
        5_000,
        'the dead entry',
      );
      expect(dead[1]).toEqual(expect.arrayContaining(['reason', 'routingKey: must be a non-empty string']));
      expect(await outboxRelay.health()).toBe('degraded');
    } finally {
      await outboxRelay.stop();
    }
  }, 30_000);
});
