import { CAUSATION_HEADER } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { confirmChannel } from './rabbitmq.connection';
import { TopologyOptions } from './rabbitmq.topology';

export interface PublishOptions {
  correlationId?: string;
  causationId?: string;
  replyTo?: string;
  headers?: Record<string, unknown>;
  type?: string;
}

/**
 * Publishes persistent JSON messages on a confirm channel. The promise resolves only once the broker has confirmed
 * the message; while the broker is away, amqp-connection-manager holds the message and publishes it on reconnection.
 */
export class RabbitMqPublisher {
  private readonly channel: ChannelWrapper;

  constructor(connection: AmqpConnectionManager, topology: TopologyOptions, private readonly publishTimeoutMs = 30_000) {
    this.channel = confirmChannel(connection, topology);
  }

  async publish(exchange: string, routingKey: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    await this.channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(payload)), {
      persistent: true,
      contentType: 'application/json',
      messageId: randomUUID(),
      timestamp: Math.floor(Date.now() / 1000),
      correlationId: options.correlationId,
      replyTo: options.replyTo,
      type: options.type ?? routingKey,
      headers: { ...(options.causationId ? { [CAUSATION_HEADER]: options.causationId } : {}), ...options.headers },
      timeout: this.publishTimeoutMs,
    });
  }

  async waitForConnect(): Promise<void> {
    await this.channel.waitForConnect();
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
