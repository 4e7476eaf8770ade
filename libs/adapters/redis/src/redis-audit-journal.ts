import { AuditLog, SealedAuditEntry } from '@app/credit-application';
import { RedisClient, RedisLayout, layoutOf } from './redis-client';
import { JournalSink, RedisJournalRelay, RelayOptions } from './redis-journal-relay';
import { redisJournals } from './redis-keys';

/**
 * One chain transaction per cycle, however many entries it carries: a longer cycle costs each cached read less CPU
 * (docs/implementation-notes.md). The entry is durable in the journal from the request on; a subject's consultations
 * show it up to this much later.
 */
const AUDIT_CYCLE_MS = 250;

/**
 * Moves the audit entries that requests journal in Redis (docs/architecture.md, "The audit log is fed from that
 * journal") into the hash-chained log, a batch at a time in one group-commit transaction, in journal order; the log
 * retries a failed batch entry by entry and refuses only the entries at fault.
 */
export class RedisAuditJournalRelay extends RedisJournalRelay<SealedAuditEntry> {
  constructor(redis: RedisClient, audit: AuditLog, namespace: string, options: RelayOptions = {}) {
    super(redis, auditJournalSink(audit, namespace, layoutOf(redis)), { cycleMs: AUDIT_CYCLE_MS, ...options });
  }
}

function auditJournalSink(audit: AuditLog, namespace: string, layout: RedisLayout): JournalSink<SealedAuditEntry> {
  return {
    ...redisJournals.audit(namespace, layout),
    name: 'audit log',
    parse: parseSealed,
    deliver: async (entries) => {
      const results = await Promise.allSettled(entries.map((entry) => audit.recordSealed(entry)));
      return results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : null));
    },
  };
}

const TEXT_FIELDS = ['clientId', 'scope', 'action', 'resource', 'outcome', 'requestId'] as const;

/** A journalled entry as the fast path wrote it; anything else is refused with the field that is wrong. */
function parseSealed(raw: string | undefined): SealedAuditEntry {
  if (raw === undefined) throw new Error('entry: missing');
  const value = JSON.parse(raw) as Record<string, unknown>;
  for (const field of TEXT_FIELDS) if (typeof value[field] !== 'string') throw new Error(`${field}: must be a string`);
  for (const field of ['purpose', 'cpfMasked', 'cpfHash'] as const) {
    if (value[field] !== null && typeof value[field] !== 'string')
      throw new Error(`${field}: must be a string or null`);
  }
  if (value.detail !== undefined && value.detail !== null && typeof value.detail !== 'string')
    throw new Error('detail: must be a string or null');
  if (value.idempotencyKey !== undefined && typeof value.idempotencyKey !== 'string')
    throw new Error('idempotencyKey: must be a string');
  return value as unknown as SealedAuditEntry;
}
