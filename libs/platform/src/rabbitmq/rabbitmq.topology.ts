import { EXCHANGES, QUEUES, QUEUE_BINDINGS, deadLetterQueue, retryQueue } from '@app/contracts';
import type { ConfirmChannel } from 'amqplib';

export interface TopologyOptions {
  /** How long a failed message waits in the retry queue before it is delivered again. */
  retryDelayMs: number;
  /** classic (the default) or quorum: replicated over the nodes of a cluster (RABBITMQ_QUEUE_TYPE). */
  queueType?: 'classic' | 'quorum';
  /**
   * Quorum queues: deliveries of a message to consumers that never settled it, as the broker counts them
   * (x-delivery-count), after which the consumer dead-letters it instead of handling it again.
   */
  deliveryLimit?: number;
}

export const DEFAULT_DELIVERY_LIMIT = 20;

/** What each kind of queue is declared with: a work queue, its retry queue, its dead-letter queue. */
export function queueArguments(
  kind: 'work' | 'retry' | 'dead',
  queue: string,
  options: TopologyOptions,
): Record<string, unknown> {
  const quorum = options.queueType === 'quorum';
  // Quorum queues dead-letter at least once only when asked to, and that needs reject-publish: a message moves on
  // only once the next queue has confirmed it, so a node lost mid-way cannot drop it between Q and Q.retry.
  const safeDeadLettering = quorum ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {};
  const type = quorum ? { 'x-queue-type': 'quorum' } : {};
  if (kind === 'dead') return type;
  if (kind === 'retry') {
    const back = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue };
    return { ...type, 'x-message-ttl': options.retryDelayMs, ...back, ...safeDeadLettering };
  }
  // No x-delivery-limit: the broker would dead-letter such a message into Q.retry, whose TTL sends it back to Q, a
  // cycle without a rejection that the broker refuses to complete, leaving it stuck in Q.retry. The consumer applies
  // the limit instead, from the delivery count the broker keeps (rabbitmq.server.ts).
  const retry = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': retryQueue(queue) };
  return { ...type, ...retry, ...safeDeadLettering };
}

/**
 * Declares every exchange and queue, idempotently, on each (re)connection: durable, so nothing is lost when the broker
 * restarts.
 * Each work queue Q has Q.retry (a rejected message waits retryDelayMs there, then dead-letters back into Q) and Q.dlq
 * (kept for an operator, with the reason in headers). With quorum queues every one of them is replicated.
 */
export async function assertTopology(
  channel: ConfirmChannel,
  options: TopologyOptions,
  extraQueues: string[] = [],
): Promise<void> {
  await declared('exchange', EXCHANGES.commands, () =>
    channel.assertExchange(EXCHANGES.commands, 'topic', { durable: true }),
  );
  await declared('exchange', EXCHANGES.events, () =>
    channel.assertExchange(EXCHANGES.events, 'topic', { durable: true }),
  );
  for (const queue of new Set<string>([...Object.values(QUEUES), ...extraQueues])) {
    // A message the consumer rejects is dead-lettered by the broker into Q.retry, which records each trip in x-death.
    await declared('queue', queue, () =>
      channel.assertQueue(queue, { durable: true, arguments: queueArguments('work', queue, options) }),
    );
    await channel.bindQueue(queue, EXCHANGES.commands, queue);
    for (const key of QUEUE_BINDINGS[queue] ?? []) await channel.bindQueue(queue, EXCHANGES.events, key);
    await declared('queue', retryQueue(queue), () =>
      channel.assertQueue(retryQueue(queue), { durable: true, arguments: queueArguments('retry', queue, options) }),
    );
    await declared('queue', deadLetterQueue(queue), () =>
      channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: queueArguments('dead', queue, options) }),
    );
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
    // A queue's type cannot change in place; say so, since that mismatch follows a configuration change. The broker
    // names the first argument that differs, which may be one that only quorum queues are declared with.
    const typeClash = /'x-(queue-type|overflow|dead-letter-strategy|delivery-limit)'/.test(brokerReply)
      ? ` Its type differs from the one this process declares (RABBITMQ_QUEUE_TYPE, quorum by default when ` +
        `RABBITMQ_URL names several nodes); a queue cannot change type in place. Either keep its type with ` +
        `RABBITMQ_QUEUE_TYPE, or let the workers of the previous configuration drain it first.`
      : '';
    super(
      `RabbitMQ ${kind} "${entity}" already exists with other settings than this process declares, probably left ` +
        `by an older version or another configuration (broker: ${brokerReply}).${typeClash} Nothing was changed. ` +
        `To fix: ${fix}, or point RABBITMQ_URL at another virtual host.`,
    );
    this.name = 'TopologyMismatchError';
  }
}

/** A declaration the broker refuses with 406 PRECONDITION_FAILED names the entity and the way out. */
async function declared<T>(kind: 'exchange' | 'queue', entity: string, declare: () => Promise<T>): Promise<T> {
  try {
    return await declare();
  } catch (error) {
    if ((error as { code?: unknown }).code === 406)
      throw new TopologyMismatchError(kind, entity, (error as Error).message);
    throw error;
  }
}
