import { Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';
import { BoundHistogram } from './bound-histogram';

/**
 * Every metric the apps export, in one place: docs/operations.md documents exactly this list (a test compares them),
 * the Grafana dashboard and the alert rules may name only these (CI checks), and adapters record through these objects.
 *
 * Label values always come from small, fixed sets (routes, queues, store operations, error codes, partners that an
 * operator configured), never from a request: a CPF, a key or an id as a label would make one series per person.
 */
export const metricsRegistry = new Registry();

/** Seconds, from a fast in-memory call to a slow store call; the cached read should sit in the first few buckets. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A partition of a rating job takes seconds to minutes. */
const PARTITION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const everywhere = [metricsRegistry];

/** Observed on every request, the cached read's among them: a histogram whose label sets are bound once. */
export const httpRequestDuration = new BoundHistogram({
  name: 'credit_http_request_duration_seconds',
  help:
    'HTTP requests the API answered, by method, route template and status code; cache="hit" on the cached reads ' +
    'the fast path served (absent on every other request)',
  labelNames: ['method', 'route', 'status_code', 'cache'] as const,
  buckets: LATENCY_BUCKETS,
  registers: everywhere,
});

export const analysisCacheLookups = new Counter({
  name: 'credit_analysis_cache_lookups_total',
  help:
    'Lookups of assembled credit analyses in the cache, by result (hit, miss, error) and by who looked ' +
    '(read_step: the one-step Redis read; cache: the analysis cache adapter)',
  labelNames: ['result', 'path'] as const,
  registers: everywhere,
});

/** Observed on every store call, the cached read's Redis step among them. */
export const storeCallDuration = new BoundHistogram({
  name: 'credit_store_call_duration_seconds',
  help:
    'Calls to a store (postgresql, pglite, mongodb, elasticsearch, redis), by store and operation, ' +
    'failed ones included',
  labelNames: ['store', 'operation'] as const,
  buckets: LATENCY_BUCKETS,
  registers: everywhere,
});

export const storeCallErrors = new Counter({
  name: 'credit_store_call_errors_total',
  help: 'Calls to a store that failed, by store and operation',
  labelNames: ['store', 'operation'] as const,
  registers: everywhere,
});

export const messagesConsumed = new Counter({
  name: 'credit_rabbitmq_messages_consumed_total',
  help: 'Messages this process took from a RabbitMQ queue',
  labelNames: ['queue'] as const,
  registers: everywhere,
});

export const messagesAcked = new Counter({
  name: 'credit_rabbitmq_messages_acked_total',
  help: 'Messages acknowledged after their handler finished (including requests answered with an error reply)',
  labelNames: ['queue'] as const,
  registers: everywhere,
});

export const messagesRetried = new Counter({
  name: 'credit_rabbitmq_messages_retried_total',
  help: 'Messages that failed for a transient cause and went to the retry queue for another attempt',
  labelNames: ['queue'] as const,
  registers: everywhere,
});

export const messagesDeadLettered = new Counter({
  name: 'credit_rabbitmq_messages_dead_lettered_total',
  help: "Messages moved to the queue's dead-letter queue, by the code of the reason",
  labelNames: ['queue', 'code'] as const,
  registers: everywhere,
});

export const messageHandlingDuration = new Histogram({
  name: 'credit_rabbitmq_message_handling_duration_seconds',
  help: 'From taking a message to settling it (ack, retry or dead letter), batch waits included',
  labelNames: ['queue'] as const,
  buckets: LATENCY_BUCKETS,
  registers: everywhere,
});

export const queueMessages = new Gauge({
  name: 'credit_rabbitmq_queue_messages',
  help:
    'Messages ready in the broker for a queue this process consumes, and in its dead-letter queue, read ' +
    'at scrape time',
  labelNames: ['queue'] as const,
  registers: everywhere,
});

export const journalBacklog = new Gauge({
  name: 'credit_journal_backlog_entries',
  help: 'Entries waiting in a Redis journal (audit, inquiry, events) for a relay to deliver them, read at scrape time',
  labelNames: ['journal'] as const,
  registers: everywhere,
});

export const journalDead = new Gauge({
  name: 'credit_journal_dead_entries',
  help: 'Entries of a Redis journal that could not be delivered and wait for an operator (npm run journals -- dead)',
  labelNames: ['journal'] as const,
  registers: everywhere,
});

export const journalOldestAge = new Gauge({
  name: 'credit_journal_oldest_entry_age_seconds',
  help: 'Age of the oldest entry still in a Redis journal: how far its relays lag (0 when the journal is empty)',
  labelNames: ['journal'] as const,
  registers: everywhere,
});

export const journalRelayed = new Counter({
  name: 'credit_journal_relayed_entries_total',
  help: 'Journal entries this process delivered to their destination',
  labelNames: ['journal'] as const,
  registers: everywhere,
});

export const ratingsProcessed = new Counter({
  name: 'credit_ratings_processed_total',
  help: 'CPFs a rating worker processed, by what asked (job, rescore) and outcome (rated, unchanged, no_data, failed)',
  labelNames: ['trigger', 'outcome'] as const,
  registers: everywhere,
});

export const ratingPartitions = new Counter({
  name: 'credit_rating_partitions_total',
  help: 'Partitions of rating jobs a worker finished, by outcome (completed, skipped: done by another worker, failed)',
  labelNames: ['outcome'] as const,
  registers: everywhere,
});

export const ratingPartitionDuration = new Histogram({
  name: 'credit_rating_partition_duration_seconds',
  help: 'How long a worker took over one partition of a rating job',
  buckets: PARTITION_BUCKETS,
  registers: everywhere,
});

export const rescoreCpfsWaiting = new Gauge({
  name: 'credit_rescore_cpfs_waiting',
  help: 'Distinct CPFs a rating worker holds for re-scoring (taken from the queue, not yet rated)',
  labelNames: ['queue'] as const,
  registers: everywhere,
});

export const rescoreOldestWait = new Gauge({
  name: 'credit_rescore_oldest_wait_seconds',
  help: 'How long the oldest re-score request a rating worker holds has waited: the rescoring lag',
  labelNames: ['queue'] as const,
  registers: everywhere,
});

export const partnerItemsRejected = new Counter({
  name: 'credit_partner_items_rejected_total',
  help: 'Items a partner sent that were refused, by partner (verified sender), feed and error code',
  labelNames: ['partner', 'feed', 'code'] as const,
  registers: everywhere,
});

/*
 * The audit anchor's metrics exist only in a process that anchors the chain (it relays, with PostgreSQL): in any other
 * process a zero would read as "anchored just now" and hide a stopped anchor. AuditAnchorLog registers them.
 */
export const auditChainHead = new Gauge({
  name: 'credit_audit_chain_head_sequence',
  help: 'Sequence number of the newest entry of the hash-chained audit log, read at scrape time',
  registers: [],
});

export const auditAnchorSequence = new Gauge({
  name: 'credit_audit_anchor_sequence',
  help: 'Sequence number of the newest audit chain head this process logged as an anchor',
  registers: [],
});

export const auditAnchorTimestamp = new Gauge({
  name: 'credit_audit_anchor_timestamp_seconds',
  help: 'When this process last logged an anchor of the audit chain (its start until it has logged one), Unix seconds',
  registers: [],
});

export const auditAnchorInterval = new Gauge({
  name: 'credit_audit_anchor_interval_seconds',
  help:
    'How often this process checks the audit chain and logs its head as an anchor when it moved ' +
    '(AUDIT_ANCHOR_EVERY_MS)',
  registers: [],
});

/** The metrics only some processes register, with the condition, as docs/operations.md states it. */
export const PROCESS_SPECIFIC_METRICS: readonly Metric[] = [
  auditChainHead,
  auditAnchorSequence,
  auditAnchorTimestamp,
  auditAnchorInterval,
];

/** Registers a process-specific metric (idempotent: tests build several apps in one process). */
export function exposeMetric(metric: Metric): void {
  const name = (metric as unknown as { name: string }).name;
  if (!metricsRegistry.getSingleMetric(name)) metricsRegistry.registerMetric(metric);
}
