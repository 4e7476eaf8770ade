import { CAUSATION_HEADER } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { activeTracing } from '../observability/trace-context';
import { channelReady, confirmChannel } from './rabbitmq.connection';
import { TopologyOptions } from './rabbitmq.topology';

export interface PublishOptions {
  correlationId?: string;
  causationId?: string;
  replyTo?: string;
  headers?: Record<string, unknown>;
  type?: string;
  /** The AMQP user_id: must be the user this connection logs in as, which RabbitMQ checks. */
  userId?: string;
}

/**
 * Publishes persistent JSON messages on a confirm channel. The promise resolves only once the broker has confirmed
 * the message; while the broker is away, amqp-connection-manager holds the message and publishes it on reconnection.
 */
export class RabbitMqPublisher {
  private readonly channel: ChannelWrapper;

  constructor(
    connection: AmqpConnectionManager,
    topology: TopologyOptions,
    private readonly publishTimeoutMs = 30_000,
  ) {
    this.channel = confirmChannel(connection, topology);
  }

  /**
   * A message in flight when the connection drops is neither confirmed nor refused: the channel rejects it with
   * "channel closed". It is published again, with the same message id, once the channel is back. Consumers are
   * idempotent (event ids), so a message the broker had in fact stored before the drop is harmless twice.
   */
  async publish(exchange: string, routingKey: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    const tracing = activeTracing();
    if (!tracing) return this.send(exchange, routingKey, payload, options);
    // The consumer continues this trace from the headers (W3C traceparent), in whichever process takes the message.
    const headers = { ...options.headers };
    const send = () => this.send(exchange, routingKey, payload, { ...options, headers });
    return tracing.publish(exchange, routingKey, headers, send);
  }

  private async send(exchange: string, routingKey: string, payload: unknown, options: PublishOptions): Promise<void> {
    const body = Buffer.from(JSON.stringify(payload));
    const properties = {
      persistent: true,
      contentType: 'application/json',
      messageId: randomUUID(),
      timestamp: Math.floor(Date.now() / 1000),
      correlationId: options.correlationId,
      replyTo: options.replyTo,
      type: options.type ?? routingKey,
      userId: options.userId,
      headers: { ...(options.causationId ? { [CAUSATION_HEADER]: options.causationId } : {}), ...options.headers },
    };
    const deadline = Date.now() + this.publishTimeoutMs;
    for (;;) {
      try {
        await this.channel.publish(exchange, routingKey, body, {
          ...properties,
          timeout: Math.max(1, deadline - Date.now()),
        });
        return;
      } catch (error) {
        if (!isConnectionLoss(error) || Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async waitForConnect(): Promise<void> {
    await channelReady(this.channel);
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}

function isConnectionLoss(error: unknown): boolean {
  return /channel closed|connection closed|channel ended|socket closed|closed by server/i.test(
    error instanceof Error ? error.message : String(error),
  );
}
