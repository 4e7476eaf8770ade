import { Cpf } from '@app/shared-kernel';
import calculateSlot from 'cluster-key-slot';
import type { RedisLayout } from './redis-client';

/** Redis Cluster cuts the key space into this many hash slots. */
const SLOTS = 16_384;

/**
 * How many shards the per-CPF keys and the journals are spread over. Each shard is a hash tag: the keys of one shard
 * land on one slot, so every multi-key step (the cached read's script, a relay's MULTI) stays on one node of a Redis
 * Cluster, while the shards spread over up to this many primaries. Fixed, not configured: journal streams are named by
 * shard, and a relay must know every stream that may hold entries.
 */
export const REDIS_SHARDS = 16;

const tagsByNamespace = new Map<string, readonly string[]>();

/**
 * The hash tags of a namespace's shards, `{<namespace>:<shard>.<n>}`. Shard i's tag is the first whose slot lies in
 * the i-th sixteenth of the slots, so the shards spread evenly over primaries that own the slots in contiguous ranges,
 * as `redis-cli --cluster create` assigns them, instead of wherever sixteen hashes happen to fall.
 */
export function shardTags(namespace: string): readonly string[] {
  let tags = tagsByNamespace.get(namespace);
  if (!tags) {
    tags = Array.from({ length: REDIS_SHARDS }, (_, shard) => {
      for (let n = 0; n < 100_000; n++) {
        const tag = `${namespace}:${shard}.${n}`;
        if (Math.floor((calculateSlot(tag) * REDIS_SHARDS) / SLOTS) === shard) return `{${tag}}`;
      }
      throw new Error(`no hash tag found for shard ${shard} of ${namespace}`);
    });
    tagsByNamespace.set(namespace, tags);
  }
  return tags;
}

/** The shard holding a CPF's keys, and where its cached reads journal their audit entry and inquiry. */
export function shardOf(cpf: Cpf): number {
  return calculateSlot(cpf.value) % REDIS_SHARDS;
}

const cpfTag = (namespace: string, cpf: Cpf): string => shardTags(namespace)[shardOf(cpf)]!;

/** Every per-CPF key the credit platform writes to Redis, under the deployment's namespace (REDIS_NAMESPACE). */
export const redisKeys = {
  /**
   * The assembled analysis as the JSON bytes the API sends (v2: raw bytes; v1 was cache-manager's encoded envelope).
   */
  analysis: (namespace: string, cpf: Cpf): string => `${namespace}:analysis:v2:${cpfTag(namespace, cpf)}:${cpf.value}`,
  /** How many times the CPF's analysis was invalidated (kept an hour after the last): a miss's fill ticket. */
  analysisInvalidations: (namespace: string, cpf: Cpf): string =>
    `${namespace}:analysis-invalidations:v1:${cpfTag(namespace, cpf)}:${cpf.value}`,
};

/** One stream of a journal as relays and operators see it: the stream, its dead-letter stream, the relays' group. */
export interface JournalStreams {
  /** Which shard: 0 to REDIS_SHARDS - 1, or `legacy` for the stream of the layout before shards. */
  shard: string;
  key: string;
  /** On the stream's slot, so that moving an entry to it is one MULTI. */
  deadKey: string;
  group: string;
}

/** A journal: the stream of each shard. A writer picks the shard; the relays read them all. */
export interface Journal {
  /** The journal's name in metrics and in `npm run journals` (audit, inquiry, events). */
  journal: string;
  shards: readonly JournalStreams[];
}

/**
 * A journal's streams (v2, sharded). On a single server the stream of the layout before shards (v1) is listed too:
 * a process of the previous version may still write to it during an upgrade, and its entries must not be stranded.
 * That layout never ran on a cluster, where its two keys would not even share a slot.
 */
function journal(namespace: string, label: string, name: string, group: string, layout: RedisLayout): Journal {
  const shards: JournalStreams[] = shardTags(namespace).map((tag, i) => ({
    shard: String(i),
    key: `${namespace}:${name}:v2:${tag}`,
    deadKey: `${namespace}:${name}:dead:v2:${tag}`,
    group,
  }));
  if (layout === 'standalone') {
    shards.push({ shard: 'legacy', key: `${namespace}:${name}:v1`, deadKey: `${namespace}:${name}:dead:v1`, group });
  }
  return { journal: label, shards };
}

/**
 * The journals, by name: the one definition of their streams and consumer groups (relays, readiness, npm run journals).
 */
export const redisJournals = {
  /** Sealed audit entries waiting to be appended to the hash-chained audit log. */
  audit: (namespace: string, layout: RedisLayout): Journal =>
    journal(namespace, 'audit', 'audit-journal', 'audit-relay', layout),
  /** Bureau inquiries that analyses recorded, waiting to be stored in the event store (C). */
  inquiry: (namespace: string, layout: RedisLayout): Journal =>
    journal(namespace, 'inquiry', 'inquiry-journal', 'inquiry-relay', layout),
  /** Change events RabbitMQ could not take when they happened, waiting to be published when it is back. */
  events: (namespace: string, layout: RedisLayout): Journal =>
    journal(namespace, 'events', 'event-outbox', 'event-outbox-relay', layout),
};
export type JournalName = keyof typeof redisJournals;

/** The stream of a journal that a CPF's cached read writes to: on the slot of the CPF's analysis. */
export function journalStreamOf(journal: Journal, cpf: Cpf): JournalStreams {
  return journal.shards[shardOf(cpf)]!;
}

export const REDIS_NAMESPACE = Symbol('REDIS_NAMESPACE');
