import { DEAD_LETTER_HEADERS, deadLetterQueue, retryQueue, validatePayload } from '@app/contracts';
import { DomainError, NotFoundError, ValidationError } from '@app/shared-kernel';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { lastValueFrom, isObservable } from 'rxjs';
import { redactCpfs } from '../redact';
import { channelReady, confirmChannel, connectRabbitMq } from './rabbitmq.connection';
import { TopologyOptions } from './rabbitmq.topology';

export interface RabbitMqServerOptions extends TopologyOptions {
  url: string;
  name: string;
  prefetch: number;
  /** Deliveries of a message that failed for a transient cause before it is dead-lettered. */
  maxAttempts: number;
  /** Checks a payload against its pattern's schema; defaults to the contracts' schemas. */
  validate?: (pattern: string, payload: unknown) => { field: string; reason: string }[];
}

/** What a handler learns about the message it handles (second argument of @MessagePattern / @EventPattern methods). */
export class RabbitMqContext {
  constructor(
    readonly queue: string,
    readonly message: ConsumeMessage,
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

function isPermanent(error: unknown): error is DomainError | PermanentMessageError {
  return error instanceof PermanentMessageError || error instanceof ValidationError || error instanceof NotFoundError;
}

/**
 * A @nestjs/microservices transport over RabbitMQ with the delivery rules the platform needs: a queue per pattern,
 * prefetch, manual ack only after the handler's work has finished, schema validation at the edge, bounded retries with
 * a delay for transient failures, and a dead-letter queue (with the reason in headers) for everything that cannot be processed.
 */
export class RabbitMqServer extends Server implements CustomTransportStrategy {
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly options: RabbitMqServerOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const queues = [...this.messageHandlers.keys()];
    this.connection = connectRabbitMq(this.options.url, this.options.name);
    this.channel = confirmChannel(this.connection, this.options, async (channel: ConfirmChannel) => {
      await channel.prefetch(this.options.prefetch);
      for (const queue of queues) {
        await channel.consume(queue, (msg) => msg && this.track(this.handle(queue, msg)), { noAck: false });
      }
    }, queues);
    channelReady(this.channel).then(() => callback(), callback);
  }

  async close(): Promise<void> {
    this.closing = true;
    // Graceful: let every message already taken finish and be acked before the connection goes.
    await Promise.allSettled([...this.inFlight]);
    await this.channel?.close();
    await this.connection?.close();
  }

  on(): void {
    throw new Error('RabbitMqServer does not expose transport events');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(queue: string, msg: ConsumeMessage): Promise<void> {
    const channel = this.channel!;
    if (this.closing) {
      channel.nack(msg, false, true);
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
      await this.deadLetter(queue, msg, 'SCHEMA_INVALID', problems.map((p) => `${p.field}: ${p.reason}`).join('; '), problems[0].field);
      return;
    }
    const handler = this.getHandlerByPattern(queue);
    try {
      if (!handler) throw new PermanentMessageError('NO_HANDLER', `no handler for ${queue}`);
      const result = await handler(payload, new RabbitMqContext(queue, msg));
      const value = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
      if (msg.properties.replyTo) {
        await channel.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify(value ?? null)), {
          correlationId: msg.properties.correlationId as string | undefined,
          contentType: 'application/json',
        });
      }
      channel.ack(msg);
    } catch (error) {
      await this.fail(queue, msg, error);
    }
  }

  private async fail(queue: string, msg: ConsumeMessage, error: unknown): Promise<void> {
    const reason = redactCpfs(error instanceof Error ? error.message : String(error));
    if (isPermanent(error)) {
      const field = error instanceof DomainError || error instanceof PermanentMessageError ? error.field : undefined;
      const code = (error as { code?: string }).code ?? 'PERMANENT_FAILURE';
      if (msg.properties.replyTo) {
        await this.channel!.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify({ ok: false, error: { code, message: reason, field } })), {
          correlationId: msg.properties.correlationId as string | undefined,
          contentType: 'application/json',
        });
        this.channel!.ack(msg);
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
    // Rejected, not republished: the broker dead-letters it into Q.retry (recording x-death), and after the delay back into Q.
    this.channel!.nack(msg, false, false);
  }

  /** Publishes a copy to the queue's DLQ with the reason, waits for the broker's confirm, and only then acks the original. */
  private async deadLetter(queue: string, msg: ConsumeMessage, code: string, reason: string, field?: string): Promise<void> {
    this.logger.warn(`${queue}: dead-lettered (${code}): ${redactCpfs(reason)}`);
    if (msg.properties.replyTo) {
      // A requester waiting for an answer learns why there will be none, instead of timing out.
      await this.channel!.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify({ ok: false, error: { code, message: redactCpfs(reason), field } })), {
        correlationId: msg.properties.correlationId as string | undefined,
        contentType: 'application/json',
      });
    }
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
    this.channel!.ack(msg);
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
