import { EVENTS, QUEUES } from './topology';

/**
 * A partner's broker user name: lower-case letters, digits and hyphens. No dot, so that one partner's queue prefix
 * (`partner.<name>.`) can never be the start of another's.
 */
export const PARTNER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;

/** Every queue a partner may declare, read and bind starts with this. */
export const partnerQueuePrefix = (partner: string): string => `partner.${partner}.`;

/** Where the platform puts the receipt of every batch the partner sends; created with the partner. */
export const receiptsQueue = (partner: string): string => `${partnerQueuePrefix(partner)}receipts`;

/** Receipts not read within 14 days are dropped: a partner that needs them longer keeps them itself. */
export const RECEIPTS_TTL_MS = 14 * 24 * 3_600_000;
export const RECEIPTS_QUEUE_ARGUMENTS = { 'x-message-ttl': RECEIPTS_TTL_MS } as const;

/** The routing keys of the commands exchange a partner may be granted; everything else there is the platform's own. */
export const PARTNER_COMMANDS: readonly string[] = [
  QUEUES.ingestTransactions,
  QUEUES.debtReports,
  QUEUES.consumerRecords,
  QUEUES.analysisRequests,
];

/** The routing keys of the events exchange a partner may be allowed to bind its own queues to. */
export const PARTNER_EVENTS: readonly string[] = [EVENTS.ratingChanged];
