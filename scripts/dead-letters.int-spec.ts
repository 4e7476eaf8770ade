import { CAUSATION_HEADER, DEAD_LETTER_HEADERS, RETRY_COUNT_HEADER, deadLetterQueue } from '@app/contracts';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { requireEnv } from '@app/testing/contracts';
import { listDeadLetters, replayDeadLetters } from './dead-letters';

/**
 * Against the real broker, on a queue of its own (never one of the apps' queues), so suites and workers running in
 * parallel cannot see or take these messages.
 */
describe('dead-letters tool (RabbitMQ)', () => {
  const queue = `test.dlq-tool.${Date.now()}.${process.pid}`;
  const dlq = deadLetterQueue(queue);
  let url: string;
  let connection: ChannelModel;
  let channel: ConfirmChannel;

  const deadLetter = (n: number, code: string, reason: string, field?: string) => ({
    body: { cpfs: ['12345678909'], n },
    headers: {
      [CAUSATION_HEADER]: `cause-${n}`,
      [RETRY_COUNT_HEADER]: 4,
      [DEAD_LETTER_HEADERS.code]: code,
      [DEAD_LETTER_HEADERS.reason]: reason,
      ...(field ? { [DEAD_LETTER_HEADERS.field]: field } : {}),
      [DEAD_LETTER_HEADERS.originalQueue]: queue,
      [DEAD_LETTER_HEADERS.attempts]: code === 'RETRIES_EXHAUSTED' ? 5 : 1,
      [DEAD_LETTER_HEADERS.failedAt]: `2025-06-01T10:00:0${n}.000Z`,
    },
  });
  const letters = [
    deadLetter(1, 'SCHEMA_INVALID', 'cpfs[0]: must match pattern', 'cpfs[0]'),
    deadLetter(2, 'RETRIES_EXHAUSTED', 'failed 5 times; last error: connection terminated'),
    deadLetter(3, 'SCHEMA_INVALID', 'unknown field extra', '(root)'),
  ];

  async function count(name: string): Promise<number> {
    return (await channel.checkQueue(name)).messageCount;
  }

  async function drain(name: string): Promise<GetMessage[]> {
    const taken: GetMessage[] = [];
    for (let msg = await channel.get(name, { noAck: true }); msg; msg = await channel.get(name, { noAck: true }))
      taken.push(msg);
    return taken;
  }

  beforeAll(async () => {
    url = requireEnv('RABBITMQ_URL');
    connection = await connect(url);
    channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    await channel.assertQueue(dlq, { durable: false, autoDelete: false });
    letters.forEach((l, i) =>
      channel.sendToQueue(dlq, Buffer.from(JSON.stringify(l.body)), {
        contentType: 'application/json',
        messageId: `msg-${i + 1}`,
        correlationId: `corr-${i + 1}`,
        type: queue,
        headers: l.headers,
      }),
    );
    await channel.waitForConfirms();
  });

  afterAll(async () => {
    await channel?.deleteQueue(queue).catch(() => undefined);
    await channel?.deleteQueue(dlq).catch(() => undefined);
    await connection?.close();
  });

  it('lists the dead letters with their reasons and leaves them in place', async () => {
    const [listing] = await listDeadLetters({ url, queue });
    expect(listing).toMatchObject({ queue: dlq, total: 3 });
    expect(listing.messages).toEqual([
      {
        queue: dlq,
        messageId: 'msg-1',
        correlationId: 'corr-1',
        code: 'SCHEMA_INVALID',
        reason: 'cpfs[0]: must match pattern',
        field: 'cpfs[0]',
        attempts: 1,
        failedAt: '2025-06-01T10:00:01.000Z',
        originalQueue: queue,
        body: '{"cpfs":["***.456.789-**"],"n":1}',
      },
      expect.objectContaining({
        messageId: 'msg-2',
        code: 'RETRIES_EXHAUSTED',
        reason: 'failed 5 times; last error: connection terminated',
        field: undefined,
        attempts: 5,
      }),
      expect.objectContaining({
        messageId: 'msg-3',
        code: 'SCHEMA_INVALID',
        reason: 'unknown field extra',
        field: '(root)',
      }),
    ]);
    expect(await count(dlq)).toBe(3);

    // Listing again sees the same messages: nothing was consumed, nothing requeued out of reach.
    const [again] = await listDeadLetters({ url, queue: dlq, limit: 2 });
    expect(again.total).toBe(3);
    expect(again.messages.map((m) => m.messageId)).toEqual(['msg-1', 'msg-2']);
    expect(await count(dlq)).toBe(3);
  });

  it('replays only the dead letters with the given code, stripped of the dead-letter headers', async () => {
    const result = await replayDeadLetters({ url, queue, code: 'SCHEMA_INVALID' });
    expect(result).toEqual({
      deadLetterQueue: dlq,
      examined: 3,
      replayed: 2,
      skipped: 1,
      unverified: 0,
      targets: { [queue]: 2 },
    });

    const replayed = await drain(queue);
    expect(replayed.map((m) => m.properties.messageId)).toEqual(['msg-1', 'msg-3']);
    for (const msg of replayed) {
      const headers = msg.properties.headers ?? {};
      for (const header of [...Object.values(DEAD_LETTER_HEADERS), RETRY_COUNT_HEADER])
        expect(headers).not.toHaveProperty([header]);
      expect(headers[CAUSATION_HEADER]).toMatch(/^cause-/);
      expect(msg.properties).toMatchObject({
        contentType: 'application/json',
        correlationId: expect.stringMatching(/^corr-/),
        type: queue,
        deliveryMode: 2,
      });
    }
    expect(replayed.map((m) => JSON.parse(m.content.toString('utf8')))).toEqual([letters[0].body, letters[2].body]);

    const [left] = await listDeadLetters({ url, queue });
    expect(left.messages.map((m) => [m.messageId, m.code])).toEqual([['msg-2', 'RETRIES_EXHAUSTED']]);
  });

  it('stops at --limit and reports an unknown target queue without losing the dead letter', async () => {
    expect(await replayDeadLetters({ url, queue, limit: 1 })).toMatchObject({ replayed: 1, skipped: 0 });
    expect((await drain(queue)).map((m) => m.properties.messageId)).toEqual(['msg-2']);
    expect(await count(dlq)).toBe(0);

    channel.sendToQueue(dlq, Buffer.from('{}'), {
      headers: { [DEAD_LETTER_HEADERS.code]: 'X', [DEAD_LETTER_HEADERS.originalQueue]: `${queue}.gone` },
    });
    await channel.waitForConfirms();
    await expect(replayDeadLetters({ url, queue })).rejects.toThrow(/does not exist/);
    expect(await count(dlq)).toBe(1);
  });
});
