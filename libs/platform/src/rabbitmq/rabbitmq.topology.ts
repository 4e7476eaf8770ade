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
  await declared('exchange', EXCHANGES.commands, () => channel.assertExchange(EXCHANGES.commands, 'topic', { durable: true }));
  await declared('exchange', EXCHANGES.events, () => channel.assertExchange(EXCHANGES.events, 'topic', { durable: true }));
  for (const queue of new Set<string>([...Object.values(QUEUES), ...extraQueues])) {
    // A message the consumer rejects is dead-lettered by the broker into Q.retry, which records each trip in x-death.
    await declared('queue', queue, () =>
      channel.assertQueue(queue, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': retryQueue(queue) } }),
    );
    await channel.bindQueue(queue, EXCHANGES.commands, queue);
    for (const key of QUEUE_BINDINGS[queue] ?? []) await channel.bindQueue(queue, EXCHANGES.events, key);
    await declared('queue', retryQueue(queue), () =>
      channel.assertQueue(retryQueue(queue), {
        durable: true,
        arguments: { 'x-message-ttl': options.retryDelayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
      }),
    );
    await declared('queue', deadLetterQueue(queue), () => channel.assertQueue(deadLetterQueue(queue), { durable: true }));
  }
}

/** Raised when the broker already holds an exchange or queue of the same name declared differently. */
export class TopologyMismatchError extends Error {
  constructor(
    readonly kind: 'exchange' | 'queue',
    readonly entity: string,
    brokerReply: string,
  ) {
    const fix =
      kind === 'queue'
        ? `move or consume its messages, delete it (rabbitmqctl delete_queue -p <vhost> ${entity}) and start again`
        : `delete it (rabbitmqadmin -V <vhost> delete exchange name=${entity}) and start again`;
    super(
      `RabbitMQ ${kind} "${entity}" already exists with other settings than this version declares, probably left by an ` +
        `older version (broker: ${brokerReply}). Nothing was changed. To fix: ${fix}, or point RABBITMQ_URL at another virtual host.`,
    );
    this.name = 'TopologyMismatchError';
  }
}

/** A declaration the broker refuses with 406 PRECONDITION_FAILED names the entity and the way out. */
async function declared<T>(kind: 'exchange' | 'queue', entity: string, declare: () => Promise<T>): Promise<T> {
  try {
    return await declare();
  } catch (error) {
    if ((error as { code?: unknown }).code === 406) throw new TopologyMismatchError(kind, entity, (error as Error).message);
    throw error;
  }
}
