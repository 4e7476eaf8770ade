import { EXCHANGES, QUEUES, QUEUE_BINDINGS, deadLetterQueue, retryQueue } from '@app/contracts';
import type { ConfirmChannel } from 'amqplib';

export interface TopologyOptions {
  /** How long a failed message waits in the retry queue before it is delivered again. */
  retryDelayMs: number;
}

/**
 * Declares every exchange and queue, idempotently, on each (re)connection: durable, so nothing is lost when the broker restarts.
 * Each work queue Q has Q.retry (a rejected message waits retryDelayMs there, then dead-letters back into Q) and Q.dlq
 * (kept for an operator, with the reason in headers).
 */
export async function assertTopology(channel: ConfirmChannel, options: TopologyOptions, extraQueues: string[] = []): Promise<void> {
  await channel.assertExchange(EXCHANGES.commands, 'direct', { durable: true });
  await channel.assertExchange(EXCHANGES.events, 'topic', { durable: true });
  for (const queue of new Set<string>([...Object.values(QUEUES), ...extraQueues])) {
    // A message the consumer rejects is dead-lettered by the broker into Q.retry, which records each trip in x-death.
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': retryQueue(queue) } });
    await channel.bindQueue(queue, EXCHANGES.commands, queue);
    for (const key of QUEUE_BINDINGS[queue] ?? []) await channel.bindQueue(queue, EXCHANGES.events, key);
    await channel.assertQueue(retryQueue(queue), {
      durable: true,
      arguments: { 'x-message-ttl': options.retryDelayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
    await channel.assertQueue(deadLetterQueue(queue), { durable: true });
  }
}
