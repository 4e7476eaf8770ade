import { instrumentRedis, journalRelayed, metricsEnabled } from '@app/platform';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'node:os';
import type Redis from 'ioredis';
import { watchJournal } from './journal-metrics';
import { JournalStreams } from './redis-keys';

const BATCH = 1_000;
const BLOCK_MS = 250;
/** Entries a crashed relay had read but not delivered are taken over by a live one after this long. */
const CLAIM_IDLE_MS = 30_000;
const RETRY_MS = 1_000;
/**
 * A relay that has not read its journal for this long has stopped: a running one reads at least every BLOCK_MS, and
 * delivers a batch within a few seconds. Running relays remove such relays from the consumer group once another one
 * has taken over what they held (after claimIdleMs), so that `npm run journals -- status` lists only live relays.
 */
export const STALE_RELAY_MS = 10 * 60_000;

/** Removes in one step the group's consumers idle longer than ARGV[2] ms that hold no entry; returns their names. */
const FORGET_STALE_RELAYS = `
local removed = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if tonumber(info['pending']) == 0 and tonumber(info['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    table.insert(removed, info['name'])
  end
end
return removed`;
/**
 * A relay cycle that found less than a full batch waits out the rest of this period before reading again, so entries
 * reach their destination within about this long and in batches: delivering each entry as it arrives would cost one
 * write per request at moderate rates (measured for the audit log: 62% of a core at 1,000 reads/s, and the API's p99).
 */
const CYCLE_MS = 50;
/** A backlog this long means the destination has not kept up for seconds to minutes: readiness says degraded. */
const BACKLOG_DEGRADED = 50_000;

type StreamEntry = [id: string, fields: string[]];

export interface RelayOptions {
  /** This relay's name in the consumer group; one per process. */
  consumer?: string;
  claimIdleMs?: number;
  cycleMs?: number;
  /**
   * Whether this process runs the relay when the application starts (RUN_JOURNAL_RELAYS). A process that does not
   * still reports the journal's backlog and dead entries in its readiness. Default true.
   */
  autoStart?: boolean;
  /** How long a relay may go without reading before running relays remove it from the group (STALE_RELAY_MS). */
  staleRelayMs?: number;
}

/** Where a journal's entries go (its streams: redisJournals). Items are delivered in journal order. */
export interface JournalSink<T> extends Readonly<JournalStreams> {
  /** Names the destination in logs. */
  readonly name: string;
  /** Reads one journalled entry; throws, naming the field, when it is not one. */
  parse(raw: string | undefined): T;
  /**
   * Delivers a batch and says, item by item, which were refused (an Error) and which are delivered (null). Delivery
   * must be idempotent or at least once: after a crash a batch is delivered again. Throwing means "none delivered".
   */
  deliver(items: T[]): Promise<(Error | null)[]>;
}

/**
 * Moves what requests journal in a Redis stream to where it belongs (the audit log, the event store), in batches and
 * outside the request path, possibly in another process than the one that journalled it.
 *
 * Reads through a consumer group; delivers each batch and only then acknowledges and deletes its entries, so a crash
 * in between leaves them pending and they are delivered again (at least once, never lost). Entries a dead process had
 * read are taken over after claimIdleMs. When the destination refuses every entry of a batch it is taken to be away
 * and the batch waits for the next try; entries refused on their own, and entries that cannot be parsed, are moved
 * with their reason to a dead-letter stream, so the journal keeps flowing.
 */
export class RedisJournalRelay<T> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly consumer: string;
  private readonly claimIdleMs: number;
  private readonly cycleMs: number;
  private readonly autoStart: boolean;
  private readonly staleRelayMs: number;
  private connection: Redis | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private relayed = 0;
  private readonly relayedCounter: { inc(n: number): void } | null;
  private unwatch: () => void = () => undefined;

  constructor(
    private readonly redis: Redis,
    private readonly sink: JournalSink<T>,
    options: RelayOptions = {},
  ) {
    this.logger = new Logger(`JournalRelay:${sink.name}`);
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}`;
    this.claimIdleMs = options.claimIdleMs ?? CLAIM_IDLE_MS;
    this.cycleMs = options.cycleMs ?? CYCLE_MS;
    this.autoStart = options.autoStart ?? true;
    this.staleRelayMs = options.staleRelayMs ?? STALE_RELAY_MS;
    this.relayedCounter = metricsEnabled() ? journalRelayed.labels(sink.journal) : null;
  }

  /** Entries delivered by this relay since it started. */
  get count(): number {
    return this.relayed;
  }

  /** Whether this process relays the journal (it may leave that to another process). */
  get running(): boolean {
    return this.loop !== null && !this.stopping;
  }

  /**
   * For readiness: degraded when this process should relay and does not, when the journal has a backlog (no relay
   * anywhere keeps up), or when entries are in the dead-letter stream (an operator must look at them); never down,
   * since requests still journal their entries durably.
   */
  async health(): Promise<'up' | 'degraded'> {
    if (this.autoStart && !this.running) return 'degraded';
    try {
      const [backlog, dead] = await Promise.all([this.redis.xlen(this.sink.key), this.redis.xlen(this.sink.deadKey)]);
      return backlog > BACKLOG_DEGRADED || dead > 0 ? 'degraded' : 'up';
    } catch {
      return 'degraded';
    }
  }

  /** Every process with the journal reports its backlog, dead entries and lag at scrape time, relaying or not. */
  onApplicationBootstrap(): void {
    this.unwatch = watchJournal(this.redis, this.sink);
    if (this.autoStart) this.start();
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    // Its own connection: a blocking XREADGROUP would otherwise hold up every command queued behind it.
    this.connection = instrumentRedis(this.redis.duplicate({ commandTimeout: BLOCK_MS + 5_000, lazyConnect: false }));
    this.connection.on('error', () => undefined);
    this.loop = this.run(this.connection);
  }

  /** Stops after the batch in hand is delivered and acknowledged; what is still journalled waits for the next relay. */
  async beforeApplicationShutdown(): Promise<void> {
    this.unwatch();
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.loop = null;
    this.connection?.disconnect();
    this.connection = null;
  }

  private async run(redis: Redis): Promise<void> {
    const { key, group } = this.sink;
    let backlog = true; // entries this consumer had read but not acknowledged (after a restart or a failed delivery)
    let lastClaim = 0;
    let groupReady = false;
    while (!this.stopping) {
      try {
        if (redis.status !== 'ready') {
          await sleep(100);
          continue;
        }
        if (!groupReady) {
          await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM').catch((error: Error) => {
            if (!/BUSYGROUP/.test(error.message)) throw error;
          });
          groupReady = true;
        }
        if (Date.now() - lastClaim > this.claimIdleMs / 2) {
          lastClaim = Date.now();
          const [, claimed] = (await redis.xautoclaim(key, group, this.consumer, this.claimIdleMs, '0-0', 'COUNT', BATCH, 'JUSTID')) as [string, string[]];
          if (claimed.length > 0) backlog = true;
          const forgotten = (await redis.eval(FORGET_STALE_RELAYS, 1, key, group, this.staleRelayMs)) as string[];
          if (forgotten.length > 0) {
            const idle = `idle over ${this.staleRelayMs / 1000} s`;
            this.logger.log(`removed ${forgotten.length} relay(s) ${idle}: ${forgotten.join(', ')}`);
          }
        }
        const reply = (backlog
          ? await redis.xreadgroup('GROUP', group, this.consumer, 'COUNT', BATCH, 'STREAMS', key, '0')
          : await redis.xreadgroup('GROUP', group, this.consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', key, '>')) as [string, StreamEntry[]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) {
          backlog = false;
          continue;
        }
        const cycleStarted = Date.now();
        await this.relay(redis, entries);
        if (entries.length < BATCH && !this.stopping) await sleep(Math.max(0, this.cycleMs - (Date.now() - cycleStarted)));
      } catch (error) {
        const message = (error as Error).message;
        if (/NOGROUP/.test(message)) groupReady = false;
        this.logger.warn(`${message}; retrying in ${RETRY_MS} ms`);
        backlog = true;
        await sleep(RETRY_MS);
      }
    }
  }

  private async relay(redis: Redis, entries: StreamEntry[]): Promise<void> {
    const parsed: { id: string; item: T; raw: string }[] = [];
    const dead: { id: string; reason: string; raw: string }[] = [];
    for (const [id, fields] of entries) {
      const raw = fieldValue(fields, 'entry');
      try {
        parsed.push({ id, item: this.sink.parse(raw), raw: raw! });
      } catch (error) {
        dead.push({ id, reason: (error as Error).message, raw: raw ?? '' });
      }
    }
    const outcomes = parsed.length > 0 ? await this.sink.deliver(parsed.map((p) => p.item)) : [];
    const refused = outcomes.flatMap((outcome, i) => (outcome ? [{ i, reason: outcome }] : []));
    // All refused: the destination is away, so everything stays journalled for the next try. Some refused: those
    // entries were refused for themselves, so retrying them would never end.
    if (refused.length > 0 && refused.length === parsed.length) throw refused[0].reason;
    for (const { i, reason } of refused) dead.push({ id: parsed[i].id, reason: `refused by ${this.sink.name}: ${reason.message}`, raw: parsed[i].raw });
    const pipeline = redis.multi();
    for (const d of dead) pipeline.xadd(this.sink.deadKey, '*', 'journalId', d.id, 'reason', d.reason, 'entry', d.raw);
    const ids = entries.map(([id]) => id);
    pipeline.xack(this.sink.key, this.sink.group, ...ids).xdel(this.sink.key, ...ids);
    await pipeline.exec();
    this.relayed += parsed.length - refused.length;
    this.relayedCounter?.inc(parsed.length - refused.length);
    if (dead.length > 0) this.logger.error(`${dead.length} entries could not be delivered; moved with their reasons to ${this.sink.deadKey}`);
  }
}

/** The value of one field of a stream entry or XINFO reply (a flat list of names and values). */
export function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
