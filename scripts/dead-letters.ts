import { DEAD_LETTER_HEADERS, QUEUES, RECEIPT_KINDS, RETRY_COUNT_HEADER, deadLetterQueue } from '@app/contracts';
import { brokerUserOf, redactCpfs, serverUrls } from '@app/platform';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type GetMessage, type Message } from 'amqplib';

/**
 * Operator tool for the `<queue>.dlq` queues: look at dead letters without losing them, and send them back to their
 * queue once the cause is fixed. Works over plain AMQP, so it needs no management plugin.
 *
 *   npm run dlq -- list [queue] [--limit N]
 *   npm run dlq -- replay <queue> [--limit N] [--code CODE]
 */

const DEFAULT_URL = 'amqp://guest:guest@127.0.0.1:5672';
const BODY_PREVIEW = 200;
const DLQ_SUFFIX = deadLetterQueue('');

interface DeadLetter {
  queue: string;
  messageId?: string;
  correlationId?: string;
  code?: string;
  reason?: string;
  field?: string;
  attempts?: number;
  failedAt?: string;
  originalQueue?: string;
  /** The first 200 characters of the body, CPFs masked. */
  body: string;
}

interface DeadLetterListing {
  queue: string;
  /** Ready messages in the queue when it was looked at; `messages` holds at most `limit` of them. */
  total: number;
  messages: DeadLetter[];
  /** The queue is not declared on the broker (the apps have not started yet, or a typo). */
  missing?: boolean;
}

interface ListOptions {
  url?: string;
  /** A work queue (`credit.x.v1`) or its DLQ (`credit.x.v1.dlq`); all DLQs of the topology when omitted. */
  queue?: string;
  /** Most messages shown per queue. */
  limit?: number;
}

interface ReplayOptions {
  url?: string;
  queue: string;
  /** Most messages replayed. */
  limit?: number;
  /** Replays only dead letters with this x-dead-letter-code. */
  code?: string;
}

interface ReplayResult {
  deadLetterQueue: string;
  examined: number;
  replayed: number;
  /** Left in the DLQ because their code did not match. */
  skipped: number;
  /** Of those, ingest batches refused for having no verified sender (SOURCE_UNVERIFIED), never replayed. */
  unverified: number;
  /** Replayed messages per target queue. */
  targets: Record<string, number>;
}

/**
 * Headers the broker or the dead-lettering added; none of them means anything once the message is back in its queue.
 */
const STRIPPED_HEADERS = new Set<string>([
  ...Object.values(DEAD_LETTER_HEADERS),
  RETRY_COUNT_HEADER,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
]);

const workQueueOf = (queue: string): string =>
  queue.endsWith(DLQ_SUFFIX) ? queue.slice(0, -DLQ_SUFFIX.length) : queue;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function toDeadLetter(queue: string, msg: Message): DeadLetter {
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const attempts = Number(headers[DEAD_LETTER_HEADERS.attempts]);
  const reason = text(headers[DEAD_LETTER_HEADERS.reason]);
  return {
    queue,
    messageId: text(msg.properties.messageId),
    correlationId: text(msg.properties.correlationId),
    code: text(headers[DEAD_LETTER_HEADERS.code]),
    reason: reason === undefined ? undefined : redactCpfs(reason),
    field: text(headers[DEAD_LETTER_HEADERS.field]),
    attempts: Number.isFinite(attempts) ? attempts : undefined,
    failedAt: text(headers[DEAD_LETTER_HEADERS.failedAt]),
    originalQueue: text(headers[DEAD_LETTER_HEADERS.originalQueue]),
    // Mask before cutting, so a CPF split by the cut cannot slip through half-visible.
    body: redactCpfs(msg.content.toString('utf8')).slice(0, BODY_PREVIEW),
  };
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

/** A passive declare that fails with 404 closes its channel, so each check gets a throwaway one. */
async function readyCount(connection: ChannelModel, queue: string): Promise<number | undefined> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * Takes up to `count` messages without acknowledging them, then hands them all back at once. Requeueing one at a time
 * would put it back at the head of the queue and the next get would return the same message again.
 */
async function peek(channel: Channel, queue: string, count: number): Promise<Message[]> {
  const taken: GetMessage[] = [];
  try {
    while (taken.length < count) {
      const msg = await channel.get(queue, { noAck: false });
      if (!msg) break;
      taken.push(msg);
    }
    return taken;
  } finally {
    for (const msg of taken) channel.nack(msg, false, true);
  }
}

export async function listDeadLetters(options: ListOptions = {}): Promise<DeadLetterListing[]> {
  const limit = options.limit ?? 50;
  const queues = options.queue
    ? [deadLetterQueue(workQueueOf(options.queue))]
    : Object.values(QUEUES).map(deadLetterQueue);
  // A cluster's nodes share their queues: the first node named will do.
  const url = serverUrls(options.url ?? process.env.RABBITMQ_URL ?? DEFAULT_URL)[0]!;
  const connection = await connect(url, { clientProperties: { connection_name: 'dead-letters-cli' } });
  try {
    const listings: DeadLetterListing[] = [];
    for (const queue of queues) {
      const total = await readyCount(connection, queue);
      if (total === undefined) {
        if (options.queue) throw new Error(`queue ${queue} does not exist`);
        listings.push({ queue, total: 0, messages: [], missing: true });
        continue;
      }
      const channel = await connection.createChannel();
      try {
        const messages = await peek(channel, queue, Math.min(total, limit));
        listings.push({ queue, total, messages: messages.map((m) => toDeadLetter(queue, m)) });
      } finally {
        await channel.close();
      }
    }
    return listings;
  } finally {
    await connection.close();
  }
}

/**
 * A partner's batch (events, debt reports, consumer records) keeps its sender across a replay: a per-event dead letter
 * already names its source; a whole batch gets the source of the broker user that first sent it. Anything not JSON
 * goes back as it was.
 */
export function withSource(content: Buffer, originalUser: string | undefined): Buffer {
  if (!originalUser) return content;
  try {
    const batch = JSON.parse(content.toString('utf8')) as Record<string, unknown>;
    if (typeof batch !== 'object' || batch === null || batch.source !== undefined) return content;
    return Buffer.from(JSON.stringify({ ...batch, source: `amqp:${originalUser}` }));
  } catch {
    return content;
  }
}

function publishConfirmed(
  channel: ConfirmChannel,
  queue: string,
  content: Buffer,
  options: Parameters<ConfirmChannel['sendToQueue']>[2],
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.sendToQueue(queue, content, options, (error) =>
      error ? reject(new Error(`broker refused the message for ${queue}`)) : resolve(),
    );
  });
}

/**
 * Moves dead letters back to the queue they came from. Each one is published (persistent, mandatory, confirmed) before
 * the dead letter is acknowledged, so a crash at any point leaves the message in the DLQ or in both queues — at worst a
 * duplicate, which the consumers' idempotency absorbs — and never in neither.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const workQueue = workQueueOf(options.queue);
  const dlq = deadLetterQueue(workQueue);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const url = serverUrls(options.url ?? process.env.RABBITMQ_URL ?? DEFAULT_URL)[0]!;
  const replayUser = brokerUserOf(url);
  const connection = await connect(url, { clientProperties: { connection_name: 'dead-letters-cli' } });
  let unverified = 0;
  const result: ReplayResult = {
    deadLetterQueue: dlq,
    examined: 0,
    replayed: 0,
    skipped: 0,
    unverified: 0,
    targets: {},
  };
  const held: GetMessage[] = [];
  let channel: ConfirmChannel | undefined;
  try {
    const total = await readyCount(connection, dlq);
    if (total === undefined) throw new Error(`queue ${dlq} does not exist`);
    const existing = new Set<string>();
    channel = await connection.createConfirmChannel();
    let returned: Message | undefined;
    // A mandatory message the broker cannot route is returned before it is confirmed; seeing it means "do not ack".
    channel.on('return', (msg: Message) => (returned = msg));
    // Bounded by the count seen at the start: anything dead-lettered again while we run waits for the next replay.
    while (result.examined < total && result.replayed < limit) {
      const msg = await channel.get(dlq, { noAck: false });
      if (!msg) break;
      result.examined += 1;
      const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
      if (options.code !== undefined && text(headers[DEAD_LETTER_HEADERS.code]) !== options.code) {
        held.push(msg);
        continue;
      }
      const target = text(headers[DEAD_LETTER_HEADERS.originalQueue]) || workQueue;
      // A batch nobody verified stays where it is: replayed, it would be recorded as the operator's data.
      if (RECEIPT_KINDS[target] && text(headers[DEAD_LETTER_HEADERS.code]) === 'SOURCE_UNVERIFIED') {
        held.push(msg);
        unverified += 1;
        continue;
      }
      if (!existing.has(target)) {
        if ((await readyCount(connection, target)) === undefined)
          throw new Error(`target queue ${target} does not exist; start the apps (they declare it) and retry`);
        existing.add(target);
      }
      const p = msg.properties;
      returned = undefined;
      const originalUser = text(headers[DEAD_LETTER_HEADERS.originalUserId]);
      const content = RECEIPT_KINDS[target] ? withSource(msg.content, originalUser) : msg.content;
      await publishConfirmed(channel, target, content, {
        persistent: true,
        mandatory: true,
        contentType: text(p.contentType),
        contentEncoding: text(p.contentEncoding),
        correlationId: text(p.correlationId),
        messageId: text(p.messageId),
        replyTo: text(p.replyTo),
        type: text(p.type),
        timestamp: p.timestamp as number | undefined,
        appId: text(p.appId),
        // The platform's own user: the ingestion worker then believes the source the batch names.
        userId: replayUser,
        headers: Object.fromEntries(Object.entries(headers).filter(([name]) => !STRIPPED_HEADERS.has(name))),
      });
      if (returned) throw new Error(`the broker could not route the message to ${target}; it stays in ${dlq}`);
      channel.ack(msg);
      result.replayed += 1;
      result.targets[target] = (result.targets[target] ?? 0) + 1;
    }
    result.skipped = held.length;
    result.unverified = unverified;
    return result;
  } finally {
    // Unacked messages go back on close anyway; nacking first keeps them in place while the connection lingers.
    if (channel) {
      for (const msg of held) {
        try {
          channel.nack(msg, false, true);
        } catch {
          break;
        }
      }
      await channel.close().catch(() => undefined);
    }
    await connection.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------------------

const USAGE = `usage:
  npm run dlq -- list [queue] [--limit N]
  npm run dlq -- replay <queue> [--limit N] [--code CODE]
queue: a work queue (e.g. ${QUEUES.ingestTransactions}) or its .dlq; RABBITMQ_URL defaults to ${DEFAULT_URL.replace(/\/\/[^@]*@/, '//guest:***@')}`;

interface Cli {
  command: string;
  queue?: string;
  limit?: number;
  code?: string;
}

export function parseArgs(argv: string[]): Cli {
  const positional: string[] = [];
  const cli: Cli = { command: '' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--limit') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error('--limit takes a positive integer');
      cli.limit = value;
    } else if (arg === '--code') {
      cli.code = argv[++i];
      if (!cli.code) throw new Error('--code takes a dead-letter code, e.g. SCHEMA_INVALID');
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  [cli.command = '', cli.queue] = positional;
  if (positional.length > 2) throw new Error(`unexpected argument ${positional[2]}`);
  if (cli.command !== 'list' && cli.command !== 'replay')
    throw new Error(cli.command ? `unknown command ${cli.command}` : 'a command is required');
  if (cli.command === 'replay' && !cli.queue) throw new Error('replay needs the queue to replay into');
  if (cli.command === 'list' && cli.code) throw new Error('--code only applies to replay');
  return cli;
}

function print(listings: DeadLetterListing[]): void {
  for (const { queue, total, messages, missing } of listings) {
    if (missing) {
      console.log(`${queue}: does not exist (the apps declare it when they start)`);
      continue;
    }
    console.log(
      `${queue}: ${total} dead letter(s)${messages.length < total ? `, showing the first ${messages.length}` : ''}`,
    );
    messages.forEach((m, i) => {
      console.log(
        `  #${i + 1} queue=${m.queue} message-id=${m.messageId ?? '-'} correlation-id=${m.correlationId ?? '-'}`,
      );
      console.log(
        `     code=${m.code ?? '-'} field=${m.field ?? '-'} attempts=${m.attempts ?? '-'} failed-at=${m.failedAt ?? '-'}${m.originalQueue && m.originalQueue !== workQueueOf(queue) ? ` original-queue=${m.originalQueue}` : ''}`,
      );
      console.log(`     reason: ${m.reason ?? '-'}`);
      console.log(`     body:   ${m.body}`);
    });
  }
}

async function main(argv: string[]): Promise<void> {
  const cli = parseArgs(argv);
  if (cli.command === 'list') {
    print(await listDeadLetters({ queue: cli.queue, limit: cli.limit }));
    return;
  }
  const result = await replayDeadLetters({ queue: cli.queue!, limit: cli.limit, code: cli.code });
  const targets = Object.entries(result.targets)
    .map(([q, n]) => `${n} to ${q}`)
    .join(', ');
  const otherCode = result.skipped - result.unverified;
  console.log(
    `replayed ${result.replayed} of ${result.examined} examined in ${result.deadLetterQueue}` +
      (targets ? ` (${targets})` : '') +
      (otherCode ? `; ${otherCode} left in place (code is not ${cli.code})` : '') +
      (result.unverified ? `; ${result.unverified} ingest batch(es) with no verified sender left in place` : ''),
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (error instanceof Error && /command|argument|option|--limit|--code|needs/.test(error.message))
      console.error(USAGE);
    process.exit(1);
  });
}
