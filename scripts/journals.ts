import { redactCpfs } from '@app/platform';
import Redis from 'ioredis';
import { redisOptions } from '@app/credit/operations';
import { STALE_RELAY_MS, fieldValue } from '@app/credit';
import { JournalName, redisJournals } from '@app/credit/operations';

/**
 * Operator tool for the Redis journals (audit entries on their way to PostgreSQL, bureau inquiries on their way to
 * Elasticsearch, change events waiting for RabbitMQ): how far behind they are, which relays read them, and what was dead-lettered and why. Once the cause
 * of a dead letter is fixed, `requeue` puts it back into its journal for the relays; `discard` removes named entries
 * that can never be delivered (the readiness probe stays degraded while any are left).
 *
 *   npm run journals -- status
 *   npm run journals -- dead <audit|inquiry|events> [--limit N]
 *   npm run journals -- requeue <audit|inquiry|events> [--limit N]
 *   npm run journals -- discard <audit|inquiry|events> --ids <dead-entry-id,...>
 *
 * REDIS_URL and REDIS_NAMESPACE as the apps use them.
 */

export const USAGE = `usage: npm run journals -- status
       npm run journals -- dead <audit|inquiry|events> [--limit N]
       npm run journals -- requeue <audit|inquiry|events> [--limit N]
       npm run journals -- discard <audit|inquiry|events> --ids <dead-entry-id,...>`;


const PREVIEW = 300;

export interface JournalStatus {
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

export interface DeadEntry {
  /** Id in the dead-letter stream: what `discard --ids` takes. */
  id: string;
  /** Id the entry had in its journal. */
  journalId: string;
  reason: string;
  /** The entry as it was journalled, CPFs masked, at most 300 characters. */
  entry: string;
}

export interface RelayStatus {
  name: string;
  pending: number;
  idleMs: number;
}

export async function journalStatus(
  redis: Redis,
  namespace: string,
  staleAfterMs = STALE_RELAY_MS,
): Promise<JournalStatus[]> {
  return Promise.all(
    (Object.keys(redisJournals) as JournalName[]).map(async (journal) => {
      const { key, deadKey, group } = redisJournals[journal](namespace);
      const [backlog, dead] = await Promise.all([redis.xlen(key), redis.xlen(deadKey)]);
      let relays: RelayStatus[] = [];
      try {
        const consumers = (await redis.xinfo('CONSUMERS', key, group)) as unknown[][];
        relays = consumers.map((c) => {
          const info = c.map(String);
          return { name: fieldValue(info, 'name')!, pending: Number(fieldValue(info, 'pending')), idleMs: Number(fieldValue(info, 'idle')) };
        });
      } catch (error) {
        // No stream or no group yet: no relay has ever started on this namespace.
        if (!/no such key|NOGROUP/i.test((error as Error).message)) throw error;
      }
      const live = relays.filter((r) => r.idleMs <= staleAfterMs);
      const stale = relays.filter((r) => r.idleMs > staleAfterMs);
      return { journal, backlog, pending: relays.reduce((sum, r) => sum + r.pending, 0), relays: live, stale, dead };
    }),
  );
}

export async function listDeadEntries(redis: Redis, namespace: string, journal: JournalName, limit = 20): Promise<{ total: number; entries: DeadEntry[] }> {
  const { deadKey } = redisJournals[journal](namespace);
  const [total, rows] = await Promise.all([redis.xlen(deadKey), redis.xrange(deadKey, '-', '+', 'COUNT', limit)]);
  return {
    total,
    entries: rows.map(([id, list]) => ({
      id,
      journalId: fieldValue(list, 'journalId') ?? '-',
      reason: fieldValue(list, 'reason') ?? '-',
      entry: redactCpfs(fieldValue(list, 'entry') ?? '').slice(0, PREVIEW),
    })),
  };
}

/**
 * Moves dead entries, oldest first, back into their journal as they were journalled; each move is one MULTI (XADD to
 * the journal, XDEL from the dead-letter stream), so an entry is never in both or in neither. A requeued entry the
 * relay still cannot deliver comes back to the dead-letter stream with its reason.
 */
export async function requeueDeadEntries(redis: Redis, namespace: string, journal: JournalName, limit = 1_000): Promise<{ requeued: number; left: string[] }> {
  const { key, deadKey } = redisJournals[journal](namespace);
  const rows = await redis.xrange(deadKey, '-', '+', 'COUNT', limit);
  let requeued = 0;
  const left: string[] = [];
  for (const [id, list] of rows) {
    const entry = fieldValue(list, 'entry');
    // Nothing to put back (the journalled entry had no body): only discard can remove it, by its id.
    if (!entry) {
      left.push(id);
      continue;
    }
    const results = await redis.multi().xadd(key, '*', 'entry', entry).xdel(deadKey, id).exec();
    if (results?.every(([error]) => !error)) requeued += 1;
    else left.push(id);
  }
  return { requeued, left };
}

/** Removes the named dead entries for good; returns how many existed. Nothing is removed without its id. */
export async function discardDeadEntries(redis: Redis, namespace: string, journal: JournalName, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return redis.xdel(redisJournals[journal](namespace).deadKey, ...ids);
}

interface Cli {
  command: 'status' | 'dead' | 'requeue' | 'discard';
  journal?: JournalName;
  limit?: number;
  ids: string[];
}

export function parseArgs(argv: string[]): Cli {
  const [command, ...rest] = argv;
  if (!['status', 'dead', 'requeue', 'discard'].includes(command ?? '')) throw new Error(command ? `unknown command ${command}` : 'a command is required');
  const cli: Cli = { command: command as Cli['command'], ids: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--limit') {
      const n = Number(rest[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error('--limit must be a positive integer');
      cli.limit = n;
    } else if (arg === '--ids') {
      cli.ids = (rest[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (cli.ids.length === 0 || cli.ids.some((id) => !/^\d+-\d+$/.test(id))) throw new Error('--ids must be dead-entry ids such as 1764000000000-0, separated by commas');
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
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: without Redis there are no journals (audit entries go straight to PostgreSQL)');
  const namespace = process.env.REDIS_NAMESPACE?.trim() || 'credit';
  const redis = new Redis({ ...redisOptions(url), enableOfflineQueue: true, commandTimeout: 10_000 });
  try {
    if (cli.command === 'status') {
      for (const s of await journalStatus(redis, namespace)) {
        const relays = s.relays.map((r) => `${r.name} (pending ${r.pending}, idle ${(r.idleMs / 1000).toFixed(1)} s)`).join(', ') || 'none running';
        const held = s.stale.reduce((n, r) => n + r.pending, 0);
        const stale = s.stale.length
          ? `; ${s.stale.length} stopped (idle over ${STALE_RELAY_MS / 60_000} min, holding ${held} entries): ` +
            'a running relay takes their entries over and removes them'
          : '';
        console.log(`${s.journal}: backlog ${s.backlog}, pending ${s.pending}, dead ${s.dead}; relays: ${relays}${stale}`);
      }
    } else if (cli.command === 'dead') {
      const { total, entries } = await listDeadEntries(redis, namespace, cli.journal!, cli.limit);
      console.log(`${cli.journal}: ${total} dead entr${total === 1 ? 'y' : 'ies'}${entries.length < total ? `, showing the first ${entries.length}` : ''}`);
      for (const e of entries) console.log(`  ${e.id} (journal id ${e.journalId})\n    reason: ${e.reason}\n    entry:  ${e.entry}`);
    } else if (cli.command === 'requeue') {
      const { requeued, left } = await requeueDeadEntries(redis, namespace, cli.journal!, cli.limit);
      console.log(`${cli.journal}: requeued ${requeued} dead entries for the relays${left.length ? `; left ${left.length} without a body to requeue (discard them by id): ${left.join(', ')}` : ''}`);
    } else {
      console.log(`${cli.journal}: discarded ${await discardDeadEntries(redis, namespace, cli.journal!, cli.ids)} of ${cli.ids.length} named dead entries`);
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
