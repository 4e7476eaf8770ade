import { EVENTS as EVENT_KEYS, EXCHANGES, QUEUES, TransactionsIngestedV1, deadLetterQueue } from '@app/contracts';
import { brokerUserOf, serverUrls } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import amqp, { ChannelModel, ConfirmChannel } from 'amqplib';
import { requireEnv } from '@app/testing/contracts';
import { rabbitApi, rabbitNodeName } from './cluster-harness';

export const STREAM_EVENTS = 50_000;
const BATCH = 500;

function cpfPool(size: number): string[] {
  return Array.from({ length: size }, (_, i) => {
    const base = String(300_000_000 + i * 7_919).padStart(9, '0');
    return base + Cpf.checkDigits(base);
  }).filter((c) => Cpf.isValid(c));
}

/**
 * The 50,000-event stream of the fault tests, published with confirms by a partner through one node of the RabbitMQ
 * cluster to the profile's two ingestion workers; it listens to their announcements (transactions-ingested) too.
 * Event ids start with the run's prefix, so the run's events can be counted in the shared index; the sum of their
 * amounts is the checksum.
 */
export class IngestStream {
  readonly batches: string[] = [];
  readonly announced = new Set<string>();
  sentSum = 0;
  private connection?: ChannelModel;
  private channel?: ConfirmChannel;

  constructor(readonly prefix: string) {}

  /** Connects through the node of the given index (0-2): pick one the test leaves running. */
  async open(nodeIndex: number): Promise<void> {
    this.connection = await amqp.connect(serverUrls(requireEnv('RABBITMQ_URL'))[nodeIndex]!);
    this.channel = await this.connection.createConfirmChannel();
    const announcements = (await this.channel.assertQueue('', { exclusive: true })).queue;
    await this.channel.bindQueue(announcements, EXCHANGES.events, EVENT_KEYS.transactionsIngested);
    await this.channel.consume(
      announcements,
      (msg) => {
        if (msg) this.announced.add((JSON.parse(msg.content.toString()) as TransactionsIngestedV1).batchId);
      },
      { noAck: true },
    );
  }

  async publishAll(): Promise<void> {
    const channel = this.channel!;
    const cpfs = cpfPool(2_000);
    for (let b = 0; b < STREAM_EVENTS / BATCH; b++) {
      const events = Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        const amountCents = 100 + ((n * 7_919) % 100_000);
        this.sentSum += amountCents;
        const occurredAt = new Date(Date.now() - (n % 1_000) * 60_000).toISOString();
        const cpf = cpfs[n % cpfs.length];
        return {
          eventId: `${this.prefix}-${n}`,
          cpf,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt,
          kind: 'DEPOSIT',
          amountCents,
        };
      });
      const batchId = `${this.prefix}-b${b}`;
      this.batches.push(batchId);
      channel.publish(EXCHANGES.commands, QUEUES.ingestTransactions, Buffer.from(JSON.stringify({ batchId, events })), {
        persistent: true,
        contentType: 'application/json',
        userId: brokerUserOf(requireEnv('RABBITMQ_URL')),
      });
    }
    await channel.waitForConfirms();
  }

  /** Waits up to timeoutMs for an announcement of every batch; fails naming how many and which are missing. */
  async awaitAnnouncements(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let missing = this.batches.filter((id) => !this.announced.has(id));
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      missing = missing.filter((id) => !this.announced.has(id));
    }
    if (missing.length > 0) {
      throw new Error(
        `${missing.length} of ${this.batches.length} batches never announced: ${missing.slice(0, 10).join(', ')}`,
      );
    }
  }

  async deadLettered(): Promise<number> {
    return (await this.channel!.checkQueue(deadLetterQueue(QUEUES.ingestTransactions))).messageCount;
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}

interface IngestQueue {
  type: string;
  arguments: Record<string, unknown>;
  leader: string;
  messages: number;
}

/** The ingest queue as the broker describes it: its type, its arguments and the node leading it. */
export async function ingestQueue(): Promise<IngestQueue> {
  type Reply = { type: string; arguments: Record<string, unknown>; leader?: string; node: string; messages: number };
  const q = await rabbitApi<Reply>(`/queues/%2F/${encodeURIComponent(QUEUES.ingestTransactions)}`);
  return { type: q.type, arguments: q.arguments, leader: rabbitNodeName(q.leader ?? q.node), messages: q.messages };
}
