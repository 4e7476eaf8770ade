import { Cpf } from '@app/shared-kernel';

/** Every key the credit platform writes to Redis, under the deployment's namespace (REDIS_NAMESPACE). */
export const redisKeys = {
  /** The assembled analysis as the JSON bytes the API sends (v2: raw bytes; v1 was cache-manager's encoded envelope). */
  analysis: (namespace: string, cpf: Cpf): string => `${namespace}:analysis:v2:${cpf.value}`,
  /** How many times the CPF's analysis was invalidated (kept an hour after the last): a miss's fill ticket. */
  analysisInvalidations: (namespace: string, cpf: Cpf): string => `${namespace}:analysis-invalidations:v1:${cpf.value}`,
  /** Stream of sealed audit entries waiting to be appended to the hash-chained audit log. */
  auditJournal: (namespace: string): string => `${namespace}:audit-journal:v1`,
  /** Journal entries that could not be read back, kept with the reason instead of being dropped. */
  auditJournalDead: (namespace: string): string => `${namespace}:audit-journal:dead:v1`,
  /** Stream of bureau inquiries that analyses recorded, waiting to be stored in the event store (C). */
  inquiryJournal: (namespace: string): string => `${namespace}:inquiry-journal:v1`,
  inquiryJournalDead: (namespace: string): string => `${namespace}:inquiry-journal:dead:v1`,
  /** Change events RabbitMQ could not take when they happened, waiting to be published when it is back. */
  eventOutbox: (namespace: string): string => `${namespace}:event-outbox:v1`,
  eventOutboxDead: (namespace: string): string => `${namespace}:event-outbox:dead:v1`,
};

/** A journal as its relays and operators see it: the stream, its dead-letter stream, the relays' consumer group. */
export interface JournalStreams {
  /** The journal's name in metrics and in `npm run journals` (audit, inquiry, events). */
  journal: string;
  key: string;
  deadKey: string;
  group: string;
}

/** The journals, by name: the one definition of their streams and consumer groups (relays, readiness, npm run journals). */
export const redisJournals = {
  audit: (namespace: string): JournalStreams => ({
    journal: 'audit', key: redisKeys.auditJournal(namespace), deadKey: redisKeys.auditJournalDead(namespace), group: 'audit-relay',
  }),
  inquiry: (namespace: string): JournalStreams => ({
    journal: 'inquiry', key: redisKeys.inquiryJournal(namespace), deadKey: redisKeys.inquiryJournalDead(namespace),
    group: 'inquiry-relay',
  }),
  events: (namespace: string): JournalStreams => ({
    journal: 'events', key: redisKeys.eventOutbox(namespace), deadKey: redisKeys.eventOutboxDead(namespace),
    group: 'event-outbox-relay',
  }),
};
export type JournalName = keyof typeof redisJournals;

export const REDIS_NAMESPACE = Symbol('REDIS_NAMESPACE');
