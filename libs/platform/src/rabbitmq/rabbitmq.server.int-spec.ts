import { DEAD_LETTER_HEADERS, deadLetterQueue } from '@app/contracts';
import { ValidationError } from '@app/shared-kernel';
import amqp, { Channel, ChannelModel, GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { createVhost, waitFor } from '@app/testing/contracts';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { RabbitMqContext, RabbitMqServer } from './rabbitmq.server';

const Q = 'test.work.v1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The transport's delivery rules against a real broker, in a virtual host of its own. */
describe('RabbitMqServer delivery guarantees', () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let server: RabbitMqServer;
  let connection: ChannelModel;
  let channel: Channel;
  const seen = new Map<string, number>();
  const done = new Set<string>();
  let slowStarted = false;

  const publish = (body: unknown, props: amqp.Options.Publish = {}) =>
    channel.sendToQueue(Q, Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)), {
      persistent: true,
      ...props,
    });
  const deadLetter = async (match: (m: GetMessage) => boolean): Promise<GetMessage | null> => {
    const held: GetMessage[] = [];
    try {
      for (;;) {
        const m = await channel.get(deadLetterQueue(Q), { noAck: false });
        if (!m) return null;
        held.push(m);
        if (match(m)) return m;
      }
    } finally {
      held.forEach((m) => channel.nack(m, false, true));
    }
  };

  beforeAll(async () => {
    vhost = await createVhost('transport');
    server = new RabbitMqServer({
      url: vhost.url,
      name: 'transport-test',
      prefetch: 4,
      maxAttempts: 3,
      retryDelayMs: 200,
      validate: (_p, payload) => ((payload as { id?: unknown }).id ? [] : [{ field: 'id', reason: 'is required' }]),
    });
    server.addHandler(
      Q,
      async (payload: { id: string; mode: string; failTimes?: number }) => {
        const count = (seen.get(payload.id) ?? 0) + 1;
        seen.set(payload.id, count);
        if (payload.mode === 'flaky' && count <= (payload.failTimes ?? 0)) throw new Error('database unavailable');
        if (payload.mode === 'broken') throw new Error('always fails');
        if (payload.mode === 'invalid') throw new ValidationError('CPF_INVALID', 'cpf', 'check digits do not match');
        if (payload.mode === 'slow') {
          slowStarted = true;
          await sleep(800);
        }
        done.add(payload.id);
        return { handled: payload.id };
      },
      false,
    );
    await new Promise<void>((resolve, reject) =>
      server.listen((error?: unknown) => (error ? reject(error) : resolve())),
    );
    connection = await amqp.connect(vhost.url);
    channel = await connection.createChannel();
  }, 30_000);

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await vhost?.drop();
  });

  it('retries a transient failure after a delay and handles the message once it succeeds, with nothing dead-lettered', async () => {
    const id = randomUUID();
    publish({ id, mode: 'flaky', failTimes: 2 });
    await waitFor(async () => done.has(id), 10_000, 'the flaky message to succeed');
    expect(seen.get(id)).toBe(3);
    expect(await deadLetter((m) => JSON.parse(m.content.toString()).id === id)).toBeNull();
  });

  it('dead-letters a message that keeps failing after the bounded attempts, with the reason, while the queue keeps flowing', async () => {
    const poison = randomUUID();
    const after = randomUUID();
    publish({ id: poison, mode: 'broken' });
    publish({ id: after, mode: 'ok' });
    await waitFor(async () => done.has(after), 5_000, 'the message behind the poison');
    const dead = await waitFor(
      () => deadLetter((m) => JSON.parse(m.content.toString()).id === poison),
      10_000,
      'the poison message in the DLQ',
    );
    expect(seen.get(poison)).toBe(3);
    expect(dead.properties.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.code]: 'RETRIES_EXHAUSTED',
      [DEAD_LETTER_HEADERS.attempts]: 3,
      [DEAD_LETTER_HEADERS.originalQueue]: Q,
    });
    expect(String(dead.properties.headers?.[DEAD_LETTER_HEADERS.reason])).toContain('always fails');
  });

  it('dead-letters a permanent failure at once, never retrying it', async () => {
    const id = randomUUID();
    publish({ id, mode: 'invalid' });
    const dead = await waitFor(
      () => deadLetter((m) => JSON.parse(m.content.toString()).id === id),
      5_000,
      'the invalid message in the DLQ',
    );
    expect(seen.get(id)).toBe(1);
    expect(dead.properties.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.code]: 'CPF_INVALID',
      [DEAD_LETTER_HEADERS.field]: 'cpf',
      [DEAD_LETTER_HEADERS.attempts]: 1,
    });
  });

  it('does not let a publisher fake its attempt count with headers', async () => {
    const id = randomUUID();
    publish(
      { id, mode: 'flaky', failTimes: 1 },
      { headers: { 'x-retry-count': 99, [DEAD_LETTER_HEADERS.attempts]: 99 } },
    );
    await waitFor(async () => done.has(id), 5_000, 'the message to be retried and succeed');
    expect(seen.get(id)).toBe(2);
  });

  it('answers a request whose payload breaks its schema, and dead-letters it, instead of leaving the requester waiting', async () => {
    const { queue: replies } = await channel.assertQueue('', { exclusive: true });
    const correlationId = randomUUID();
    publish({ mode: 'no id' }, { replyTo: replies, correlationId });
    const reply = await waitFor(() => channel.get(replies, { noAck: true }), 5_000, 'the error reply');
    expect(reply.properties.correlationId).toBe(correlationId);
    expect(JSON.parse(reply.content.toString())).toMatchObject({
      ok: false,
      error: { code: 'SCHEMA_INVALID', field: 'id' },
    });
    expect(await deadLetter((m) => m.properties.correlationId === correlationId)).not.toBeNull();
  });

  it('dead-letters a body that is not JSON', async () => {
    const correlationId = randomUUID();
    publish(Buffer.from('{oops'), { correlationId });
    const dead = await waitFor(
      () => deadLetter((m) => m.properties.correlationId === correlationId),
      5_000,
      'the malformed message in the DLQ',
    );
    expect(dead.properties.headers?.[DEAD_LETTER_HEADERS.code]).toBe('MESSAGE_MALFORMED');
  });

  it('finishes and acknowledges in-flight work on close, so nothing is redelivered', async () => {
    const id = randomUUID();
    publish({ id, mode: 'slow' });
    await waitFor(async () => slowStarted, 5_000, 'the slow handler to start');
    await server.close();
    expect(done.has(id)).toBe(true);
    const left = await channel.checkQueue(Q);
    expect(left.messageCount).toBe(0);
  });
});

/** A handler declared with `batch` gets its queue's messages together, and each message is settled on its own. */
describe('RabbitMqServer batch consumption', () => {
  const BQ = 'test.batch.v1';
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let server: RabbitMqServer;
  let connection: ChannelModel;
  let channel: Channel;
  const batches: string[][] = [];
  const attempts = new Map<string, number>();
  let gate: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    vhost = await createVhost('transport-batch');
    server = new RabbitMqServer({
      url: vhost.url,
      name: 'batch-test',
      prefetch: 1,
      prefetchByQueue: { [BQ]: 40 },
      maxAttempts: 2,
      retryDelayMs: 200,
      validate: () => [],
    });
    server.addHandler(
      BQ,
      async (payloads: { id: string; mode?: string }[]) => {
        await gate;
        batches.push(payloads.map((p) => p.id));
        return payloads.map((p) => {
          attempts.set(p.id, (attempts.get(p.id) ?? 0) + 1);
          if (p.mode === 'invalid') return new ValidationError('CPF_INVALID', 'cpfs[0]', 'check digits do not match');
          if (p.mode === 'flaky' && attempts.get(p.id) === 1) return new Error('store away');
          return null;
        });
      },
      false,
      { batch: { maxMessages: 20, maxWaitMs: 100 } },
    );
    connection = await amqp.connect(vhost.url);
    channel = await connection.createChannel();
  }, 30_000);

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await vhost?.drop();
  });

  it('hands over up to maxMessages at a time, acks each, and reports what it holds while a batch runs', async () => {
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    await new Promise<void>((resolve, reject) =>
      server.listen((error?: unknown) => (error ? reject(error) : resolve())),
    );
    const ids = Array.from({ length: 50 }, () => randomUUID());
    for (const id of ids) channel.sendToQueue(BQ, Buffer.from(JSON.stringify({ id })), { persistent: true });
    // The first batch waits at the gate: the worker holds it and what its prefetch allows.
    await waitFor(async () => server.held(BQ).count === 40, 5_000, "the worker to hold two batches' worth");
    expect(server.held(BQ).oldestWaitMs).toBeGreaterThanOrEqual(0);
    expect(await server.queued(BQ)).toBe(10);
    open();
    await waitFor(async () => batches.flat().length === 50, 5_000, 'every message handled');
    expect(batches.every((b) => b.length <= 20)).toBe(true);
    expect(batches[0]).toHaveLength(20);
    expect(new Set(batches.flat())).toEqual(new Set(ids));
    await waitFor(
      async () => (await channel.checkQueue(BQ)).messageCount === 0 && server.held(BQ).count === 0,
      5_000,
      'every message acked',
    );
  });

  it('dead-letters a message its handler says cannot be processed, retries one that failed for now, acks the rest', async () => {
    batches.length = 0;
    const [invalid, flaky, fine] = [randomUUID(), randomUUID(), randomUUID()];
    for (const [id, mode] of [
      [invalid, 'invalid'],
      [flaky, 'flaky'],
      [fine, 'ok'],
    ])
      channel.sendToQueue(BQ, Buffer.from(JSON.stringify({ id, mode })), { persistent: true });
    await waitFor(async () => attempts.get(flaky) === 2, 5_000, 'the flaky message to be retried');
    const dead = await waitFor(
      () => channel.get(deadLetterQueue(BQ), { noAck: true }),
      5_000,
      'the invalid message in the DLQ',
    );
    expect(JSON.parse(dead.content.toString()).id).toBe(invalid);
    expect(dead.properties.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.code]: 'CPF_INVALID',
      [DEAD_LETTER_HEADERS.field]: 'cpfs[0]',
    });
    expect([attempts.get(invalid), attempts.get(fine)]).toEqual([1, 1]);
    await waitFor(
      async () => (await channel.checkQueue(BQ)).messageCount === 0 && server.held(BQ).count === 0,
      5_000,
      'the rest acked',
    );
  });
});

/**
 * A handler still running when its connection drops finishes on a process that has meanwhile reconnected, with a new
 * channel whose delivery tags start again at 1. Its stale tag must not settle whatever now holds that tag.
 */
describe('RabbitMqServer across a reconnection', () => {
  const RQ = 'test.reconnect.v1';
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let server: RabbitMqServer;
  let connection: ChannelModel;
  let channel: Channel;
  const deliveries: { id: string; redelivered: boolean }[] = [];
  const release = new Map<string, () => void>();
  let disconnects = 0;

  beforeAll(async () => {
    vhost = await createVhost('transport-reconnect');
    server = new RabbitMqServer({
      url: vhost.url,
      name: 'reconnect-test',
      prefetch: 4,
      maxAttempts: 3,
      retryDelayMs: 200,
      validate: () => [],
    });
    server.addHandler(
      RQ,
      async (payload: { id: string; hold: 'first' | 'always' }, context: RabbitMqContext) => {
        const redelivered = context.message.fields.redelivered;
        deliveries.push({ id: payload.id, redelivered });
        if (payload.hold === 'always' || !redelivered) await new Promise<void>((r) => release.set(payload.id, r));
      },
      false,
    );
    await new Promise<void>((resolve, reject) =>
      server.listen((error?: unknown) => (error ? reject(error) : resolve())),
    );
    server.unwrap<AmqpConnectionManager>().on('disconnect', () => disconnects++);
    connection = await amqp.connect(vhost.url);
    channel = await connection.createChannel();
  }, 30_000);

  afterAll(async () => {
    for (const r of release.values()) r();
    await connection?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await vhost?.drop();
  });

  const seen = (id: string) => deliveries.filter((d) => d.id === id);

  it('leaves a message whose channel closed to its redelivery, and settles nothing else with its tag', async () => {
    const [first, later] = [randomUUID(), randomUUID()];
    channel.sendToQueue(RQ, Buffer.from(JSON.stringify({ id: first, hold: 'first' })), { persistent: true });
    await waitFor(async () => release.has(first), 5_000, 'the first message to be held');

    server.unwrap<AmqpConnectionManager>().reconnect();
    // The broker gives the first message again on the new channel (tag 1); that copy is handled and acked at once.
    await waitFor(async () => seen(first).length === 2, 10_000, 'the first message redelivered');
    channel.sendToQueue(RQ, Buffer.from(JSON.stringify({ id: later, hold: 'always' })), { persistent: true });
    await waitFor(async () => release.has(later), 5_000, 'the later message to be held');

    // The old copy finishes now: its tag 1 belongs to the old channel and must not reach the new one.
    const releaseOld = release.get(first)!;
    release.delete(first);
    releaseOld();
    await sleep(500);
    release.get(later)!();
    await waitFor(
      async () => (await channel.checkQueue(RQ)).messageCount === 0 && seen(later).length >= 1,
      5_000,
      'the queue empty',
    );
    await sleep(500);

    expect(seen(first).map((d) => d.redelivered)).toEqual([false, true]);
    expect(seen(later)).toHaveLength(1);
    expect(disconnects).toBe(1);
    expect((await channel.checkQueue(deadLetterQueue(RQ))).messageCount).toBe(0);
  }, 30_000);
});
