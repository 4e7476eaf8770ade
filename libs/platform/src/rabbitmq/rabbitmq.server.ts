import {
  DEAD_LETTER_HEADERS,
  RECEIPT_KINDS,
  deadLetterQueue,
  receiptsQueue,
  refusedBatchReceipt,
  retryQueue,
  validatePayload,
} from '@app/contracts';
import { DomainError, NotFoundError, ValidationError } from '@app/shared-kernel';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { lastValueFrom, isObservable } from 'rxjs';
import { activeTracing } from '../observability/trace-context';
import { redactCpfs } from '../redact';
import { QueueMetrics, Settlement } from './queue-metrics';
import { brokerUserOf, channelReady, confirmChannel, connectRabbitMq } from './rabbitmq.connection';
import { TopologyOptions } from './rabbitmq.topology';

interface RabbitMqServerOptions extends TopologyOptions {
  url: string;
  name: string;
  prefetch: number;
  /** Deliveries of a message that failed for a transient cause before it is dead-lettered. */
  maxAttempts: number;
  /** Checks a payload against its pattern's schema; defaults to the contracts' schemas. */
  validate?: (pattern: string, payload: unknown) => { field: string; reason: string }[];
  /**
   * Unacknowledged messages a queue's consumer may hold, where it differs from `prefetch` (batched queues hold more).
   */
  prefetchByQueue?: Record<string, number>;
}

/**
 * Declared on a handler (`@MessagePattern(queue, { batch: { maxMessages, maxWaitMs } })`): its messages are handed over
 * together, up to maxMessages, once the oldest has waited maxWaitMs or the batch is full. One batch of a queue is
 * handled at a time; what arrives meanwhile makes the next one. Each message is acked or failed on its own afterwards.
 */
export interface BatchOptions {
  maxMessages: number;
  maxWaitMs: number;
}

/** What a batch handler answers: per message, in order, null when it succeeded or the reason it failed. */
export type BatchResult = (unknown | null)[];

/** The second argument of a batch handler. */
export class RabbitMqBatchContext {
  constructor(
    readonly queue: string,
    readonly contexts: RabbitMqContext[],
  ) {}

  /** Whether any message of the batch may have been handled before, in part. */
  get deliveredBefore(): boolean {
    return this.contexts.some((c) => c.deliveredBefore);
  }
}

/** How long the messages a worker holds for a queue have waited, for its status endpoint. */
interface HeldMessages {
  count: number;
  oldestWaitMs: number;
  payloads: unknown[];
}

type Held = { payload: unknown; msg: ConsumeMessage; receivedAt: number; settle: () => void };

/** What a handler learns about the message it handles (second argument of @MessagePattern / @EventPattern methods). */
export class RabbitMqContext {
  constructor(
    readonly queue: string,
    readonly message: ConsumeMessage,
    private readonly maxAttempts = Number.POSITIVE_INFINITY,
  ) {}

  get correlationId(): string | undefined {
    return this.message.properties.correlationId as string | undefined;
  }

  get headers(): Record<string, unknown> {
    return (this.message.properties.headers ?? {}) as Record<string, unknown>;
  }

  /**
   * Whether this message may have been handled before, in part: the broker redelivered it (a consumer died holding
   * it) or it came back through the retry queue.
   */
  get deliveredBefore(): boolean {
    return this.message.fields.redelivered || previousAttempts(this.queue, this.message) > 0;
  }

  /** Whether a transient failure now dead-letters the message instead of retrying it. */
  get lastAttempt(): boolean {
    return previousAttempts(this.queue, this.message) + 1 >= this.maxAttempts;
  }
}

/** A failure that retrying cannot fix: the message goes straight to the dead-letter queue. */
export class PermanentMessageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * How many times this message already failed here, from the broker's own x-death record of its trips through the
 * retry queue: a publisher cannot make a message look exhausted (or fresh) by setting a header.
 */
function previousAttempts(queue: string, msg: ConsumeMessage): number {
  const deaths = (msg.properties.headers ?? {})['x-death'] as { queue?: string; count?: number }[] | undefined;
  return Number(deaths?.find((d) => d.queue === retryQueue(queue))?.count ?? 0);
}

/**
 * Whether a quorum queue has handed this message to consumers that each stopped or lost their connection before
 * settling it (a message that crashes its worker does exactly that) at least `limit` times: the broker counts those
 * returns in x-delivery-count. Classic queues keep no count.
 */
function passedDeliveryLimit(msg: ConsumeMessage, limit: number | undefined): boolean {
  const count = Number((msg.properties.headers ?? {})['x-delivery-count'] ?? 0);
  return limit !== undefined && count >= limit;
}

function isPermanent(error: unknown): error is DomainError | PermanentMessageError {
  return error instanceof PermanentMessageError || error instanceof ValidationError || error instanceof NotFoundError;
}

/**
 * A @nestjs/microservices transport over RabbitMQ with the delivery rules the platform needs: a queue per pattern,
 * prefetch, manual ack only after the handler's work has finished, schema validation at the edge, bounded retries with
 * a delay for transient failures, and a dead-letter queue (with the reason in headers) for everything that cannot be
 * processed.
 */
export class RabbitMqServer extends Server implements CustomTransportStrategy {
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  /** Per batched queue: messages waiting for the next batch, the timer that will start it, and the batch running. */
  private readonly batches = new Map<
    string,
    { waiting: Held[]; inBatch: Held[]; timer: NodeJS.Timeout | null; running: boolean }
  >();
  private readonly metrics = new QueueMetrics();
  /** When each message in hand was taken (performance.now()), for the handling-time histogram. */
  private readonly takenAt = new WeakMap<ConsumeMessage, number>();
  /**
   * The channel each message came on. Its delivery tag means nothing on another channel: acked on the channel opened
   * after a reconnection, it would settle a different message, or make the broker close the connection.
   */
  private readonly deliveredOn = new WeakMap<ConsumeMessage, ConfirmChannel>();
  private stopWatchingDepths: () => void = () => undefined;

  constructor(private readonly options: RabbitMqServerOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const queues = [...this.messageHandlers.keys()];
    this.connection = connectRabbitMq(this.options.url, this.options.name);
    this.channel = confirmChannel(
      this.connection,
      this.options,
      async (channel: ConfirmChannel) => {
        for (const queue of queues) {
          // Per consumer (not global): each queue's consumer gets its own allowance.
          await channel.prefetch(this.options.prefetchByQueue?.[queue] ?? this.options.prefetch);
          await channel.consume(
            queue,
            (msg) => {
              if (!msg) return;
              this.deliveredOn.set(msg, channel);
              this.track(this.handle(queue, msg));
            },
            { noAck: false },
          );
        }
      },
      queues,
    );
    channelReady(this.channel).then(() => {
      this.stopWatchingDepths = this.metrics.watchDepths(queues, (queue) => this.queued(queue));
      callback();
    }, callback);
  }

  async close(): Promise<void> {
    this.closing = true;
    // Batches still waiting run now rather than after their delay.
    for (const [queue, b] of this.batches)
      if (b.waiting.length && !b.running) void this.runBatch(queue, { maxMessages: b.waiting.length, maxWaitMs: 0 });
    // Graceful: let every message already taken finish and be acked before the connection goes.
    await Promise.allSettled([...this.inFlight]);
    this.stopWatchingDepths();
    await this.channel?.close();
    await this.connection?.close();
  }

  on(): void {
    throw new Error('RabbitMqServer does not expose transport events');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  /** The messages of a batched queue this process holds and has not finished with. */
  held(queue: string): HeldMessages {
    const b = this.batches.get(queue);
    const all = b ? [...b.inBatch, ...b.waiting] : [];
    const oldest = all.reduce((min, h) => Math.min(min, h.receivedAt), Number.POSITIVE_INFINITY);
    return {
      count: all.length,
      oldestWaitMs: all.length ? Date.now() - oldest : 0,
      payloads: all.map((h) => h.payload),
    };
  }

  /** Messages ready in the broker's queue, not yet delivered to any consumer. */
  async queued(queue: string): Promise<number> {
    if (!this.channel) return 0;
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  private track(work: Promise<void>): void {
    // Settling a message fails when its channel closes under it (its node lost, the connection dropped). It was not
    // acknowledged, so the broker delivers it again; an unhandled rejection here would end the whole process.
    const settled = work.catch((error: unknown) => {
      this.logger.warn(`a message was left unsettled; the broker delivers it again: ${(error as Error).message}`);
    });
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  private async handle(queue: string, msg: ConsumeMessage): Promise<void> {
    if (this.closing) {
      this.settleOn(msg).nack(msg, false, true);
      return;
    }
    this.takenAt.set(msg, performance.now());
    this.metrics.consumed(queue);
    if (this.options.queueType === 'quorum' && passedDeliveryLimit(msg, this.options.deliveryLimit)) {
      const reason = 'delivered more often than the delivery limit (RABBITMQ_DELIVERY_LIMIT) to consumers that stopped';
      await this.deadLetter(queue, msg, 'DELIVERY_LIMIT', reason);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(msg.content.toString('utf8'));
    } catch {
      await this.deadLetter(queue, msg, 'MESSAGE_MALFORMED', 'body is not valid JSON');
      return;
    }
    const problems = (this.options.validate ?? validatePayload)(queue, payload);
    if (problems.length) {
      await this.deadLetter(
        queue,
        msg,
        'SCHEMA_INVALID',
        problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
        problems[0].field,
      );
      return;
    }
    const handler = this.getHandlerByPattern(queue);
    const batch = handler?.extras?.batch as BatchOptions | undefined;
    if (batch) return this.enqueue(queue, payload, msg, batch);
    const tracing = activeTracing();
    const work = () => this.handleOne(queue, msg, payload, handler);
    return tracing ? tracing.consume(queue, msg.properties.headers as Record<string, unknown>, work) : work();
  }

  private async handleOne(
    queue: string,
    msg: ConsumeMessage,
    payload: unknown,
    handler: MessageHandler | null,
  ): Promise<void> {
    const channel = this.channel!;
    try {
      if (!handler) throw new PermanentMessageError('NO_HANDLER', `no handler for ${queue}`);
      const result = await handler(payload, new RabbitMqContext(queue, msg, this.options.maxAttempts));
      const value = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
      if (msg.properties.replyTo) {
        await channel.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(value ?? null)), {
          correlationId: msg.properties.correlationId as string | undefined,
          contentType: 'application/json',
        });
      }
      this.ack(queue, msg);
    } catch (error) {
      await this.fail(queue, msg, error);
    }
  }

  /**
   * Where a message is settled: the channel it came on. Once that channel has closed this throws ("Channel closed"),
   * and the message is left to the broker, which has already queued it again.
   */
  private settleOn(msg: ConsumeMessage): ConfirmChannel {
    const channel = this.deliveredOn.get(msg);
    if (!channel) throw new Error(`Channel closed: no channel holds delivery ${msg.fields.deliveryTag}`);
    return channel;
  }

  /** Acks the message, or rejects it for the broker to retry ('retried'), and counts how it was settled. */
  private settle(queue: string, msg: ConsumeMessage, how: Settlement, code?: string): void {
    const channel = this.settleOn(msg);
    if (how === 'retried') channel.nack(msg, false, false);
    else channel.ack(msg);
    this.metrics.settled(queue, how, this.takenAt.get(msg) ?? performance.now(), code);
  }

  private ack(queue: string, msg: ConsumeMessage): void {
    this.settle(queue, msg, 'acked');
  }

  /** Resolves once the message's batch was handled and the message acked or failed. */
  private enqueue(queue: string, payload: unknown, msg: ConsumeMessage, options: BatchOptions): Promise<void> {
    let b = this.batches.get(queue);
    if (!b) this.batches.set(queue, (b = { waiting: [], inBatch: [], timer: null, running: false }));
    const state = b;
    const done = new Promise<void>((settle) => state.waiting.push({ payload, msg, receivedAt: Date.now(), settle }));
    this.schedule(queue, options);
    return done;
  }

  private schedule(queue: string, options: BatchOptions): void {
    const b = this.batches.get(queue)!;
    if (b.running || b.waiting.length === 0) return;
    const waited = Date.now() - b.waiting[0]!.receivedAt;
    if (b.waiting.length >= options.maxMessages || waited >= options.maxWaitMs || this.closing) {
      if (b.timer) clearTimeout(b.timer);
      b.timer = null;
      void this.runBatch(queue, options);
    } else {
      b.timer ??= setTimeout(() => {
        b.timer = null;
        this.schedule(queue, options);
      }, options.maxWaitMs - waited);
    }
  }

  private async runBatch(queue: string, options: BatchOptions): Promise<void> {
    const b = this.batches.get(queue)!;
    b.running = true;
    b.inBatch = b.waiting.splice(0, options.maxMessages);
    const items = b.inBatch;
    let results: BatchResult;
    try {
      const handler = this.getHandlerByPattern(queue)!;
      const context = new RabbitMqBatchContext(
        queue,
        items.map((h) => new RabbitMqContext(queue, h.msg, this.options.maxAttempts)),
      );
      const work = async () => {
        const value = await handler(
          items.map((h) => h.payload),
          context,
        );
        const settled = isObservable(value) ? await lastValueFrom(value, { defaultValue: undefined }) : value;
        return (settled as BatchResult | undefined) ?? [];
      };
      const tracing = activeTracing();
      const headers = items.map((h) => h.msg.properties.headers as Record<string, unknown> | undefined);
      results = tracing ? await tracing.consumeBatch(queue, headers, work) : await work();
    } catch (error) {
      results = items.map(() => error);
    }
    await Promise.all(
      items.map(async (h, i) => {
        try {
          const failure = results[i] ?? null;
          if (failure === null) this.ack(queue, h.msg);
          else await this.fail(queue, h.msg, failure);
        } catch (error) {
          // As in track(): its channel closed, so the broker delivers it again; the batch loop must go on.
          this.logger.warn(`a message was left unsettled; the broker delivers it again: ${(error as Error).message}`);
        } finally {
          h.settle();
        }
      }),
    );
    b.inBatch = [];
    b.running = false;
    this.schedule(queue, options);
  }

  private async fail(queue: string, msg: ConsumeMessage, error: unknown): Promise<void> {
    const reason = redactCpfs(error instanceof Error ? error.message : String(error));
    if (isPermanent(error)) {
      const field = error instanceof DomainError || error instanceof PermanentMessageError ? error.field : undefined;
      const code = (error as { code?: string }).code ?? 'PERMANENT_FAILURE';
      if (msg.properties.replyTo) {
        await this.channel!.sendToQueue(
          msg.properties.replyTo as string,
          Buffer.from(JSON.stringify({ ok: false, error: { code, message: reason, field } })),
          {
            correlationId: msg.properties.correlationId as string | undefined,
            contentType: 'application/json',
          },
        );
        await this.refusalReceipt(queue, msg, code, reason, field);
        this.ack(queue, msg);
        return;
      }
      await this.deadLetter(queue, msg, code, reason, field);
      return;
    }
    const attempts = previousAttempts(queue, msg) + 1;
    if (attempts >= this.options.maxAttempts) {
      await this.deadLetter(queue, msg, 'RETRIES_EXHAUSTED', `failed ${attempts} times; last error: ${reason}`);
      return;
    }
    this.logger.warn(`${queue}: attempt ${attempts} failed (${reason}); retrying in ${this.options.retryDelayMs} ms`);
    // Rejected, not republished: the broker dead-letters it into Q.retry (recording x-death), and after the delay back
    // into Q.
    this.settle(queue, msg, 'retried');
  }

  /**
   * Publishes a copy to the queue's DLQ with the reason, waits for the broker's confirm, and only then acks the
   * original.
   */
  private async deadLetter(
    queue: string,
    msg: ConsumeMessage,
    code: string,
    reason: string,
    field?: string,
  ): Promise<void> {
    this.logger.warn(`${queue}: dead-lettered (${code}): ${redactCpfs(reason)}`);
    if (msg.properties.replyTo) {
      // A requester waiting for an answer learns why there will be none, instead of timing out.
      await this.channel!.sendToQueue(
        msg.properties.replyTo as string,
        Buffer.from(JSON.stringify({ ok: false, error: { code, message: redactCpfs(reason), field } })),
        {
          correlationId: msg.properties.correlationId as string | undefined,
          contentType: 'application/json',
        },
      );
    }
    await this.refusalReceipt(queue, msg, code, reason, field);
    await this.republish(deadLetterQueue(queue), msg, {
      [DEAD_LETTER_HEADERS.code]: code,
      [DEAD_LETTER_HEADERS.reason]: redactCpfs(reason),
      ...(field ? { [DEAD_LETTER_HEADERS.field]: field } : {}),
      [DEAD_LETTER_HEADERS.originalQueue]: queue,
      [DEAD_LETTER_HEADERS.attempts]: previousAttempts(queue, msg) + 1,
      [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      // The copy goes out under this process's broker user, so the verified sender is kept as a header for a replay.
      ...(msg.properties.userId ? { [DEAD_LETTER_HEADERS.originalUserId]: msg.properties.userId as string } : {}),
    });
    this.settle(queue, msg, 'dead-lettered', code);
  }

  /**
   * A partner's batch refused as a whole also gets a receipt on the partner's own queue, so it learns the fate of
   * every batch it sent without reading the operators' dead-letter queue. Not for the platform's own batches (the API
   * answered its REST client), nor for one without a verified user_id: nobody could say whose it is.
   */
  private async refusalReceipt(
    queue: string,
    msg: ConsumeMessage,
    code: string,
    reason: string,
    field?: string,
  ): Promise<void> {
    const user = msg.properties.userId as string | undefined;
    if (!RECEIPT_KINDS[queue] || !user || user === brokerUserOf(this.options.url)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(msg.content.toString('utf8'));
    } catch {
      payload = undefined;
    }
    const messageId = msg.properties.messageId as string | undefined;
    const error = { code, reason: redactCpfs(reason), field };
    const receipt = refusedBatchReceipt(queue, payload, messageId, error, new Date());
    await this.channel!.sendToQueue(receiptsQueue(user), Buffer.from(JSON.stringify(receipt)), {
      persistent: true,
      contentType: 'application/json',
      correlationId: msg.properties.correlationId as string | undefined,
    });
  }

  private async republish(target: string, msg: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    const p = msg.properties;
    await this.channel!.sendToQueue(target, msg.content, {
      persistent: true,
      contentType: p.contentType as string | undefined,
      correlationId: p.correlationId as string | undefined,
      messageId: p.messageId as string | undefined,
      replyTo: p.replyTo as string | undefined,
      type: p.type as string | undefined,
      headers: { ...(p.headers ?? {}), ...headers },
    });
  }
}
