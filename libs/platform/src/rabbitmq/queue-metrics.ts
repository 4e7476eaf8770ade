import { deadLetterQueue } from '@app/contracts';
import {
  messageHandlingDuration,
  messagesAcked,
  messagesConsumed,
  messagesDeadLettered,
  messagesRetried,
  queueMessages,
} from '../observability/metric-catalogue';
import { metricsEnabled, onScrape } from '../observability/metrics';

/** How a message this process took was settled. */
export type Settlement = 'acked' | 'retried' | 'dead-lettered';

type Counter = { inc(): void };
type Timer = { observe(seconds: number): void };
interface QueueInstruments {
  consumed: Counter;
  acked: Counter;
  retried: Counter;
  handling: Timer;
}

/**
 * The transport's counters, per queue, recorded in one place (RabbitMqServer) for every handler: what was taken,
 * acked, retried and dead-lettered, and how long each message took from taking to settling.
 */
export class QueueMetrics {
  private readonly enabled = metricsEnabled();
  private readonly queues = new Map<string, QueueInstruments>();

  consumed(queue: string): void {
    if (this.enabled) this.instruments(queue).consumed.inc();
  }

  /** `startedAt` is performance.now() when the message was taken; `code` says why it was dead-lettered. */
  settled(queue: string, how: Settlement, startedAt: number, code?: string): void {
    if (!this.enabled) return;
    const q = this.instruments(queue);
    q.handling.observe((performance.now() - startedAt) / 1000);
    if (how === 'acked') q.acked.inc();
    else if (how === 'retried') q.retried.inc();
    else messagesDeadLettered.inc({ queue, code: code ?? 'UNKNOWN' });
  }

  /**
   * Reports, at every scrape, the messages ready in the broker for these queues and their dead-letter queues (which
   * the topology declares with them). Returns the function that stops it.
   */
  watchDepths(queues: string[], depth: (queue: string) => Promise<number>): () => void {
    if (!this.enabled) return () => undefined;
    const watched = queues.flatMap((q) => [q, deadLetterQueue(q)]);
    return onScrape(async () => {
      const depths = await Promise.all(watched.map(async (q) => [q, await depth(q)] as const));
      for (const [q, n] of depths) queueMessages.set({ queue: q }, n);
    });
  }

  private instruments(queue: string): QueueInstruments {
    let q = this.queues.get(queue);
    if (!q) {
      q = {
        consumed: messagesConsumed.labels(queue),
        acked: messagesAcked.labels(queue),
        retried: messagesRetried.labels(queue),
        handling: messageHandlingDuration.labels(queue),
      };
      this.queues.set(queue, q);
    }
    return q;
  }
}
