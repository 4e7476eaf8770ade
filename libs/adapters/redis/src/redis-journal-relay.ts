import { instrumentRedis, journalRelayed, metricsEnabled } from '@app/platform';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'node:os';
import { watchJournal } from './journal-metrics';
import { RedisClient, duplicateClient, layoutOf } from './redis-client';
import { Journal, JournalStreams } from './redis-keys';

const BATCH = 1_000;
/** Entries read from one shard at a time: a round reads every shard, so a round holds up to shards x this. */
const SHARD_BATCH = 100;
/** How long an idle relay waits for entries: a blocking read on a single server, a pause between polls on a cluster. */
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
 * write per request at moderate rates (docs/implementation-notes.md).
 */
const CYCLE_MS = 50;
/** A backlog this long means the destination has not kept up for seconds to minutes: readiness says degraded. */
const BACKLOG_DEGRADED = 50_000;

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

/** Where a journal's entries go (its streams: redisJournals). Items are delivered in journal order within a shard. */
export interface JournalSink<T> extends Journal {
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

/** What a relay knows about one shard's stream. */
interface ShardState {
  streams: JournalStreams;
  /** Entries this consumer had read but not acknowledged (after a restart, a failed delivery or a claim). */
  backlog: boolean;
  groupReady: boolean;
}

type StreamEntry = [id: string, fields: string[]];
type ReadBatch = { shard: ShardState; entries: StreamEntry[] };

/**
 * Moves what requests journal in Redis streams (one per shard) to where it belongs, in batches, outside the request
 * path. Entries are acknowledged only once delivered (at least once, never lost), a dead process's are claimed after
 * claimIdleMs, and entries refused on their own go to their shard's dead-letter stream with the reason, so the
 * journal keeps flowing; a round refused whole waits for the next try (docs/architecture.md).
 */
export class RedisJournalRelay<T> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly consumer: string;
  private readonly claimIdleMs: number;
  private readonly cycleMs: number;
  private readonly autoStart: boolean;
  private readonly staleRelayMs: number;
  private connection: RedisClient | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private relayed = 0;
  private readonly relayedCounter: { inc(n: number): void } | null;
  private unwatch: () => void = () => undefined;

  constructor(
    private readonly redis: RedisClient,
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
   * anywhere keeps up), or when entries are in a dead-letter stream (an operator must look at them); never down,
   * since requests still journal their entries durably.
   */
  async health(): Promise<'up' | 'degraded'> {
    if (this.autoStart && !this.running) return 'degraded';
    try {
      const lengths = await Promise.all(
        this.sink.shards.map(async (s) => [await this.redis.xlen(s.key), await this.redis.xlen(s.deadKey)]),
      );
      const backlog = lengths.reduce((sum, [length]) => sum + length!, 0);
      return backlog > BACKLOG_DEGRADED || lengths.some(([, dead]) => dead! > 0) ? 'degraded' : 'up';
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
    this.connection = instrumentRedis(
      duplicateClient(this.redis, { commandTimeout: BLOCK_MS + 5_000, lazyConnect: false }),
    );
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

  private async run(redis: RedisClient): Promise<void> {
    const shards: ShardState[] = this.sink.shards.map((streams) => ({ streams, backlog: true, groupReady: false }));
    const cluster = layoutOf(redis) === 'cluster';
    let lastClaim = 0;
    while (!this.stopping) {
      try {
        if (redis.status !== 'ready') {
          await sleep(100);
          continue;
        }
        await Promise.all(shards.filter((s) => !s.groupReady).map((s) => createGroup(redis, s)));
        if (Date.now() - lastClaim > this.claimIdleMs / 2) {
          lastClaim = Date.now();
          await Promise.all(shards.map((s) => this.claim(redis, s)));
        }
        const read = cluster ? readEachShard : readAllShards;
        const batches = await read(redis, this.consumer, shards);
        if (batches.length === 0) {
          // A cluster has no blocking read across shards: an idle relay polls them every BLOCK_MS.
          if (cluster && !shards.some((s) => s.backlog)) await sleep(BLOCK_MS);
          continue;
        }
        const cycleStarted = Date.now();
        await this.relay(redis, batches);
        const full = batches.some((b) => b.entries.length >= SHARD_BATCH);
        if (!full && !this.stopping) await sleep(Math.max(0, this.cycleMs - (Date.now() - cycleStarted)));
      } catch (error) {
        const message = (error as Error).message;
        for (const s of shards) {
          if (/NOGROUP/.test(message)) s.groupReady = false;
          s.backlog = true;
        }
        this.logger.warn(`${message}; retrying in ${RETRY_MS} ms`);
        await sleep(RETRY_MS);
      }
    }
  }

  /** Takes over what relays of dead processes held for claimIdleMs, and forgets relays gone for staleRelayMs. */
  private async claim(redis: RedisClient, shard: ShardState): Promise<void> {
    const { key, group } = shard.streams;
    const reply = await redis.xautoclaim(key, group, this.consumer, this.claimIdleMs, '0-0', 'COUNT', BATCH, 'JUSTID');
    const [, claimed] = reply as [string, string[]];
    if (claimed.length > 0) shard.backlog = true;
    const forgotten = (await redis.eval(FORGET_STALE_RELAYS, 1, key, group, this.staleRelayMs)) as string[];
    if (forgotten.length > 0) {
      const idle = `idle over ${this.staleRelayMs / 1000} s`;
      const shardName = shard.streams.shard;
      this.logger.log(`removed ${forgotten.length} relay(s) of shard ${shardName} ${idle}: ${forgotten.join(', ')}`);
    }
  }

  private async relay(redis: RedisClient, batches: ReadBatch[]): Promise<void> {
    const parsed: { batch: ReadBatch; id: string; item: T; raw: string }[] = [];
    const dead = new Map<ReadBatch, { id: string; reason: string; raw: string }[]>(batches.map((b) => [b, []]));
    for (const batch of batches) {
      for (const [id, fields] of batch.entries) {
        const raw = fieldValue(fields, 'entry');
        try {
          parsed.push({ batch, id, item: this.sink.parse(raw), raw: raw! });
        } catch (error) {
          dead.get(batch)!.push({ id, reason: (error as Error).message, raw: raw ?? '' });
        }
      }
    }
    const outcomes = parsed.length > 0 ? await this.sink.deliver(parsed.map((p) => p.item)) : [];
    const refused = outcomes.flatMap((outcome, i) => (outcome ? [{ i, reason: outcome }] : []));
    // All refused: the destination is away, so everything stays journalled for the next try. Some refused: those
    // entries were refused for themselves, so retrying them would never end.
    if (refused.length > 0 && refused.length === parsed.length) throw refused[0].reason;
    for (const { i, reason } of refused) {
      const p = parsed[i]!;
      dead.get(p.batch)!.push({ id: p.id, reason: `refused by ${this.sink.name}: ${reason.message}`, raw: p.raw });
    }
    // One MULTI per shard: its stream and dead-letter stream share a slot, so an entry is never in both or in neither.
    await Promise.all(
      batches.map(async (batch) => {
        const { key, deadKey, group } = batch.shard.streams;
        const transaction = redis.multi();
        for (const d of dead.get(batch)!) {
          transaction.xadd(deadKey, '*', 'journalId', d.id, 'reason', d.reason, 'entry', d.raw);
        }
        const ids = batch.entries.map(([id]) => id);
        transaction.xack(key, group, ...ids).xdel(key, ...ids);
        await transaction.exec();
      }),
    );
    this.relayed += parsed.length - refused.length;
    this.relayedCounter?.inc(parsed.length - refused.length);
    const deadCount = [...dead.values()].reduce((n, d) => n + d.length, 0);
    if (deadCount > 0) {
      this.logger.error(`${deadCount} entries could not be delivered; moved with their reasons to dead-letter streams`);
    }
  }
}

async function createGroup(redis: RedisClient, shard: ShardState): Promise<void> {
  const { key, group } = shard.streams;
  await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM').catch((error: Error) => {
    if (!/BUSYGROUP/.test(error.message)) throw error;
  });
  shard.groupReady = true;
}

/**
 * A single server: one XREADGROUP over every stream. Shards with a backlog are read from their pending entries
 * (id 0, which never blocks); otherwise new entries are awaited on all of them at once for up to BLOCK_MS.
 */
async function readAllShards(redis: RedisClient, consumer: string, shards: ShardState[]): Promise<ReadBatch[]> {
  const group = shards[0]!.streams.group;
  const pending = shards.filter((s) => s.backlog);
  const read = pending.length > 0 ? pending : shards;
  const keys = read.map((s) => s.streams.key);
  const ids = read.map(() => (pending.length > 0 ? '0' : '>'));
  const reply =
    pending.length > 0
      ? await redis.xreadgroup('GROUP', group, consumer, 'COUNT', SHARD_BATCH, 'STREAMS', ...keys, ...ids)
      : await redis.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          SHARD_BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...ids,
        );
  return batchesOf(read, (reply ?? []) as [string, StreamEntry[]][]);
}

/** A Redis Cluster: one non-blocking XREADGROUP per shard, on the shards' own nodes, side by side. */
async function readEachShard(redis: RedisClient, consumer: string, shards: ShardState[]): Promise<ReadBatch[]> {
  const replies = await Promise.all(
    shards.map(async ({ streams: { key, group }, backlog }) => {
      const from = backlog ? '0' : '>';
      const reply = await redis.xreadgroup('GROUP', group, consumer, 'COUNT', SHARD_BATCH, 'STREAMS', key, from);
      return (reply as [string, StreamEntry[]][] | null)?.[0] ?? [key, []];
    }),
  );
  return batchesOf(shards, replies as [string, StreamEntry[]][]);
}

/** Pairs each stream's reply with its shard; a shard whose pending entries came back empty has no backlog left. */
function batchesOf(read: ShardState[], reply: [string, StreamEntry[]][]): ReadBatch[] {
  const byKey = new Map(reply.map(([key, entries]) => [key, entries]));
  const batches: ReadBatch[] = [];
  for (const shard of read) {
    const entries = byKey.get(shard.streams.key) ?? [];
    if (shard.backlog && entries.length === 0) shard.backlog = false;
    if (entries.length > 0) batches.push({ shard, entries });
  }
  return batches;
}

/** The value of one field of a stream entry or XINFO reply (a flat list of names and values). */
export function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
