/**
 * Every exchange, queue and routing key the apps and partners use. Names carry a version: a breaking change to a
 * payload is a new name, so old and new consumers can run side by side.
 */
export const EXCHANGES = {
  /**
   * Topic exchange for commands; the routing key is the queue name, bound literally, so it routes as a direct exchange
   * would. Topic, because only on a topic exchange does RabbitMQ check a user's topic permissions: each partner may
   * publish the routing keys it was granted and no other (npm run partner).
   */
  commands: 'credit.commands',
  /** Topic exchange for events; partners bind their own queues to it. */
  events: 'credit.events',
} as const;

export const QUEUES = {
  ingestTransactions: 'credit.transactions.ingest.v1',
  regenerateRatings: 'credit.ratings.regenerate.v1',
  ratePartition: 'credit.ratings.partition.v1',
  rescoreConsumers: 'credit.ratings.rescore.v1',
  analysisRequests: 'credit.analysis.request.v1',
  /**
   * Corrections whose wrong data reached recipients in the last six months, for the bureau's notification service to
   * tell each of them (CDC art. 43 §3, LGPD art. 18 §6). Published by the API to the commands exchange, never to the
   * events exchange: it names a CPF and who consulted it, so it must not reach every partner bound there.
   */
  correctionNotices: 'credit.corrections.notify.v1',
  /** Creditors' reports of debts (register, update the amount, pay, renegotiate, remove), in batches. */
  debtReports: 'credit.debts.report.v1',
  /** Consumer records (name and address), in batches. */
  consumerRecords: 'credit.consumers.record.v1',
  /**
   * Notices to consumers of newly registered debts (CDC art. 43 §2), for the operator's mailing system; the records
   * stay out of reports until the notice period has passed. Commands exchange, like the correction notices: it names a
   * CPF, an address and debts.
   */
  debtNotices: 'credit.debts.notify.v1',
} as const;

/** Queues the platform declares and fills but that a service outside this repository consumes. */
export const QUEUES_CONSUMED_ELSEWHERE: readonly string[] = [QUEUES.correctionNotices, QUEUES.debtNotices];

export const EVENTS = {
  transactionsIngested: 'credit.transactions.ingested.v1',
  consumerDataChanged: 'credit.consumer.changed.v1',
  ratingChanged: 'credit.rating.changed.v1',
} as const;

/** Which events feed which internal queue (besides the command routing key every command queue is bound to). */
export const QUEUE_BINDINGS: Record<string, string[]> = {
  [QUEUES.rescoreConsumers]: [EVENTS.transactionsIngested, EVENTS.consumerDataChanged],
};

export const retryQueue = (queue: string) => `${queue}.retry`;
export const deadLetterQueue = (queue: string) => `${queue}.dlq`;

/** Headers set on a dead-lettered message, so an operator (or the replay command) knows what happened. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  code: 'x-dead-letter-code',
  field: 'x-dead-letter-field',
  originalQueue: 'x-original-queue',
  attempts: 'x-attempts',
  failedAt: 'x-failed-at',
  originalUserId: 'x-original-user-id',
} as const;

export const RETRY_COUNT_HEADER = 'x-retry-count';
export const CAUSATION_HEADER = 'x-causation-id';

/** The batches a partner sends that are answered with a receipt on its own queue, and the kind each receipt names. */
export const RECEIPT_KINDS: Record<string, 'TRANSACTIONS' | 'DEBT_REPORTS' | 'CONSUMER_RECORDS'> = {
  [QUEUES.ingestTransactions]: 'TRANSACTIONS',
  [QUEUES.debtReports]: 'DEBT_REPORTS',
  [QUEUES.consumerRecords]: 'CONSUMER_RECORDS',
};

/** Most debt notices one message carries: a batch's notices travel in messages of at most this many. */
export const MAX_NOTICES_PER_MESSAGE = 500;
