import { loadConfig, redactCpfs } from '@app/platform';
import {
  RedisClient,
  createRedisClient,
  layoutOf,
  STALE_RELAY_MS,
  fieldValue,
  JournalName,
  JournalStreams,
  redisJournals,
} from '@app/adapters/redis';

/**
 * Operator tool for the Redis journals (USAGE below; docs/operations.md): backlog, relays, and dead entries with their
 * reasons, to requeue once the cause is fixed or discard. It adds up each journal's per-shard streams and names a dead
 * entry by shard and id (`3/1764000000000-0`); REDIS_URL or REDIS_CLUSTER_NODES and REDIS_NAMESPACE as the apps.
 */

export const USAGE = `usage: npm run journals -- status
       npm run journals -- dead <audit|inquiry|events> [--limit N]
       npm run journals -- requeue <audit|inquiry|events> [--limit N]
       npm run journals -- discard <audit|inquiry|events> --ids <shard/dead-entry-id,...>`;

const PREVIEW = 300;

interface JournalStatus {
  journal: JournalName;
  /** Entries in the stream: not yet delivered, or delivered and not yet acknowledged. */
  backlog: number;
  /** Entries a relay has read and not yet acknowledged. */
  pending: number;
  /** The relays of the consumer group that read the journal within STALE_RELAY_MS, with how long each has been idle. */
  relays: RelayStatus[];
  /**
   * Relays of processes that stopped (idle longer than STALE_RELAY_MS). A running relay takes over the entries they
   * held after 30 s and then removes them from the group, so they are listed here only while no relay runs.
   */
  stale: RelayStatus[];
  dead: number;
}

interface DeadEntry {
  /** Shard and id in that shard's dead-letter stream (`3/1764000000000-0`): what `discard --ids` takes. */
  id: string;
  /** Id the entry had in its journal. */
  journalId: string;
  reason: string;
  /** The entry as it was journalled, CPFs masked, at most 300 characters. */
  entry: string;
}

interface RelayStatus {
  name: string;
  pending: number;
  idleMs: number;
}

export async function journalStatus(
  redis: RedisClient,
  namespace: string,
  staleAfterMs = STALE_RELAY_MS,
): Promise<JournalStatus[]> {
  return Promise.all(
    (Object.keys(redisJournals) as JournalName[]).map(async (journal) => {
      const { shards: streams } = redisJournals[journal](namespace, layoutOf(redis));
      const shards = await Promise.all(streams.map((s) => shardStatus(redis, s)));
      // A relay reads every shard under one name: its pending entries add up, its idle time is its latest read.
      const byName = new Map<string, RelayStatus>();
      for (const relay of shards.flatMap((s) => s.relays)) {
        const seen = byName.get(relay.name);
        const idleMs = Math.min(seen?.idleMs ?? relay.idleMs, relay.idleMs);
        byName.set(relay.name, { name: relay.name, pending: (seen?.pending ?? 0) + relay.pending, idleMs });
      }
      const relays = [...byName.values()];
      return {
        journal,
        backlog: shards.reduce((sum, s) => sum + s.backlog, 0),
        pending: relays.reduce((sum, r) => sum + r.pending, 0),
        relays: relays.filter((r) => r.idleMs <= staleAfterMs),
        stale: relays.filter((r) => r.idleMs > staleAfterMs),
        dead: shards.reduce((sum, s) => sum + s.dead, 0),
      };
    }),
  );
}

type ShardStatus = { backlog: number; dead: number; relays: RelayStatus[] };

async function shardStatus(redis: RedisClient, { key, deadKey, group }: JournalStreams): Promise<ShardStatus> {
  const [backlog, dead] = await Promise.all([redis.xlen(key), redis.xlen(deadKey)]);
  try {
    const consumers = (await redis.xinfo('CONSUMERS', key, group)) as unknown[][];
    const relays = consumers.map((c) => {
      const info = c.map(String);
      const [name, pending, idle] = ['name', 'pending', 'idle'].map((field) => fieldValue(info, field));
      return { name: name!, pending: Number(pending), idleMs: Number(idle) };
    });
    return { backlog, dead, relays };
  } catch (error) {
    // No stream or no group yet: no relay has ever started on this shard.
    if (!/no such key|NOGROUP/i.test((error as Error).message)) throw error;
    return { backlog, dead, relays: [] };
  }
}

/** A dead entry's id as operators name it: its shard, then its id in that shard's dead-letter stream. */
const deadId = (shard: JournalStreams, id: string) => `${shard.shard}/${id}`;

export async function listDeadEntries(
  redis: RedisClient,
  namespace: string,
  journal: JournalName,
  limit = 20,
): Promise<{ total: number; entries: DeadEntry[] }> {
  const entries: DeadEntry[] = [];
  let total = 0;
  for (const shard of redisJournals[journal](namespace, layoutOf(redis)).shards) {
    const [count, rows] = await Promise.all([
      redis.xlen(shard.deadKey),
      redis.xrange(shard.deadKey, '-', '+', 'COUNT', Math.max(1, limit - entries.length)),
    ]);
    total += count;
    if (entries.length >= limit) continue;
    for (const [id, list] of rows) {
      entries.push({
        id: deadId(shard, id),
        journalId: fieldValue(list, 'journalId') ?? '-',
        reason: fieldValue(list, 'reason') ?? '-',
        entry: redactCpfs(fieldValue(list, 'entry') ?? '').slice(0, PREVIEW),
      });
    }
  }
  return { total, entries: entries.slice(0, limit) };
}

/**
 * Moves dead entries, oldest first in each shard, back into their shard's journal stream as they were journalled;
 * each move is one MULTI (XADD to the journal, XDEL from the dead-letter stream, which share a slot), so an entry is
 * never in both or in neither. A requeued entry the relay still cannot deliver comes back dead with its reason.
 */
export async function requeueDeadEntries(
  redis: RedisClient,
  namespace: string,
  journal: JournalName,
  limit = 1_000,
): Promise<{ requeued: number; left: string[] }> {
  let requeued = 0;
  const left: string[] = [];
  for (const shard of redisJournals[journal](namespace, layoutOf(redis)).shards) {
    if (requeued + left.length >= limit) break;
    const rows = await redis.xrange(shard.deadKey, '-', '+', 'COUNT', limit - requeued - left.length);
    for (const [id, list] of rows) {
      const entry = fieldValue(list, 'entry');
      // Nothing to put back (the journalled entry had no body): only discard can remove it, by its id.
      if (!entry) {
        left.push(deadId(shard, id));
        continue;
      }
      const results = await redis.multi().xadd(shard.key, '*', 'entry', entry).xdel(shard.deadKey, id).exec();
      if (results?.every(([error]) => !error)) requeued += 1;
      else left.push(deadId(shard, id));
    }
  }
  return { requeued, left };
}

/** Removes the named dead entries (shard/id, as listed) for good; returns how many existed. Nothing goes unnamed. */
export async function discardDeadEntries(redis: RedisClient, namespace: string, journal: JournalName, ids: string[]) {
  let removed = 0;
  for (const shard of redisJournals[journal](namespace, layoutOf(redis)).shards) {
    const named = ids.filter((id) => id.startsWith(`${shard.shard}/`)).map((id) => id.slice(shard.shard.length + 1));
    if (named.length > 0) removed += await redis.xdel(shard.deadKey, ...named);
  }
  return removed;
}

interface Cli {
  command: 'status' | 'dead' | 'requeue' | 'discard';
  journal?: JournalName;
  limit?: number;
  ids: string[];
}

export function parseArgs(argv: string[]): Cli {
  const [command, ...rest] = argv;
  if (!['status', 'dead', 'requeue', 'discard'].includes(command ?? ''))
    throw new Error(command ? `unknown command ${command}` : 'a command is required');
  const cli: Cli = { command: command as Cli['command'], ids: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--limit') {
      const n = Number(rest[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--limit must be a positive integer');
      cli.limit = n;
    } else if (arg === '--ids') {
      cli.ids = (rest[++i] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (cli.ids.length === 0 || cli.ids.some((id) => !/^(\d+|legacy)\/\d+-\d+$/.test(id))) {
        throw new Error('--ids must be dead-entry ids as listed, such as 3/1764000000000-0, separated by commas');
      }
    } else if (!cli.journal && arg in redisJournals) {
      cli.journal = arg as JournalName;
    } else {
      throw new Error(`unexpected argument ${arg}`);
    }
  }
  if (cli.command !== 'status' && !cli.journal) throw new Error(`${cli.command} needs the journal: audit or inquiry`);
  if (cli.command === 'discard' && cli.ids.length === 0) throw new Error('discard needs --ids');
  return cli;
}

async function main(argv: string[]): Promise<void> {
  const cli = parseArgs(argv);
  // Only Redis' own settings, checked as the apps check them.
  const { REDIS_URL, REDIS_CLUSTER_NODES, REDIS_NAMESPACE } = process.env;
  const { redis: target, redisNamespace: namespace } = loadConfig({ REDIS_URL, REDIS_CLUSTER_NODES, REDIS_NAMESPACE });
  if (!target) {
    throw new Error(
      'neither REDIS_URL nor REDIS_CLUSTER_NODES is set: without Redis there are no journals ' +
        '(audit entries go straight to PostgreSQL)',
    );
  }
  const redis = createRedisClient(target, { enableOfflineQueue: true, commandTimeout: 10_000 });
  try {
    await new Promise((resolve, reject) => {
      redis.once('ready', resolve);
      setTimeout(() => reject(new Error('Redis did not answer within 10 s')), 10_000).unref();
    });
    if (cli.command === 'status') {
      for (const s of await journalStatus(redis, namespace)) {
        const relays =
          s.relays.map((r) => `${r.name} (pending ${r.pending}, idle ${(r.idleMs / 1000).toFixed(1)} s)`).join(', ') ||
          'none running';
        const held = s.stale.reduce((n, r) => n + r.pending, 0);
        const stale = s.stale.length
          ? `; ${s.stale.length} stopped (idle over ${STALE_RELAY_MS / 60_000} min, holding ${held} entries): ` +
            'a running relay takes their entries over and removes them'
          : '';
        console.log(
          `${s.journal}: backlog ${s.backlog}, pending ${s.pending}, dead ${s.dead}; relays: ${relays}${stale}`,
        );
      }
    } else if (cli.command === 'dead') {
      const { total, entries } = await listDeadEntries(redis, namespace, cli.journal!, cli.limit);
      console.log(
        `${cli.journal}: ${total} dead entr${total === 1 ? 'y' : 'ies'}${entries.length < total ? `, showing the first ${entries.length}` : ''}`,
      );
      for (const e of entries)
        console.log(`  ${e.id} (journal id ${e.journalId})\n    reason: ${e.reason}\n    entry:  ${e.entry}`);
    } else if (cli.command === 'requeue') {
      const { requeued, left } = await requeueDeadEntries(redis, namespace, cli.journal!, cli.limit);
      console.log(
        `${cli.journal}: requeued ${requeued} dead entries for the relays${left.length ? `; left ${left.length} without a body to requeue (discard them by id): ${left.join(', ')}` : ''}`,
      );
    } else {
      console.log(
        `${cli.journal}: discarded ${await discardDeadEntries(redis, namespace, cli.journal!, cli.ids)} of ${cli.ids.length} named dead entries`,
      );
    }
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (error instanceof Error && /command|argument|--limit|--ids|needs/.test(error.message)) console.error(USAGE);
    process.exit(1);
  });
}
