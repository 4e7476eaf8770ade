import { EVENTS, QUEUES } from './topology';
import * as S from './schemas';

/**
 * Every message pattern with its payload schema: the transport validates against it, the AsyncAPI export documents it.
 */
export const MESSAGE_SCHEMAS: Record<string, object> = {
  [QUEUES.ingestTransactions]: S.IngestTransactionsV1,
  [QUEUES.regenerateRatings]: S.RegenerateRatingsV1,
  [QUEUES.ratePartition]: S.RatePartitionV1,
  [QUEUES.rescoreConsumers]: S.RescoreConsumersV1,
  [QUEUES.analysisRequests]: S.AnalysisRequestV1,
  [QUEUES.correctionNotices]: S.CorrectionNoticeV1,
  [QUEUES.debtReports]: S.DebtReportsV1,
  [QUEUES.consumerRecords]: S.ConsumerRecordsV1,
  [QUEUES.debtNotices]: S.DebtNoticesV1,
  [EVENTS.transactionsIngested]: S.TransactionsIngestedV1,
  [EVENTS.consumerDataChanged]: S.ConsumerDataChangedV1,
  [EVENTS.ratingChanged]: S.RatingChangedV1,
};

export interface IngestTransactionsV1 {
  batchId?: string;
  /** Set only by the platform itself (the API forwarding a REST client's batch, a replayed dead letter). */
  source?: string;
  events: Record<string, unknown>[];
}
/** The answer to an ingest batch published with reply_to: per event, whether it was stored, a duplicate or rejected. */
export interface IngestReplyV1 {
  ok: boolean;
  batchId?: string;
  stored?: number;
  duplicates?: number;
  items?: {
    index: number;
    eventId: string | null;
    outcome: 'STORED' | 'DUPLICATE' | 'REJECTED';
    code?: string;
    field?: string;
    reason?: string;
  }[];
  error?: { code: string; message: string; field?: string };
}
export interface RegenerateRatingsV1 {
  jobId: string;
}

export interface RatePartitionV1 {
  jobId: string;
  partition: number;
}
/** The rescore queue takes explicit requests and the two change events, which all carry `cpfs`. */
export interface RescoreConsumersV1 {
  cpfs: string[];
}
export interface AnalysisRequestV1 {
  cpf: string;
  purpose: string;
  /** Accepted for compatibility and ignored: the consulter recorded is the verified AMQP user_id. */
  requester?: string;
}
export interface AnalysisReplyV1 {
  ok: boolean;
  analysis?: unknown;
  error?: { code: string; message: string; field?: string };
}
export interface CorrectionNoticeV1 {
  correctionId: string;
  cpf: string;
  field: 'name' | 'address' | 'debt';
  debtId?: string;
  correctedAt: string;
  /** Every client that received the data now corrected in the last six months, with its latest read. */
  recipients: { client: string; lastReadAt: string }[];
}
export interface TransactionsIngestedV1 {
  batchId: string;
  cpfs: string[];
}
export interface ConsumerDataChangedV1 {
  cpfs: string[];
  dataClass: 'CONSUMER' | 'RATING_FEATURES' | 'TRANSACTIONS';
}
export interface RatingChangedV1 {
  cpf: string;
  score: number;
  band: string;
  probabilityOfDefault: number;
  modelVersion: string;
  previousScore: number | null;
  generatedAt: string;
}

export interface DebtReportsV1 {
  batchId?: string;
  /** Set only by the platform itself (a replayed dead letter). */
  source?: string;
  reports: Record<string, unknown>[];
}
export interface ConsumerRecordsV1 {
  batchId?: string;
  /** Set only by the platform itself (a replayed dead letter). */
  source?: string;
  records: Record<string, unknown>[];
}
/** One item of a batch that was not stored, by its position in the batch as sent. */
export interface RejectedItemV1 {
  index: number;
  code: string;
  field: string;
  reason: string;
}
/** What became of a partner's batch, on the partner's own receipts queue. */
export interface BatchReceiptV1 {
  batchId: string;
  kind: 'TRANSACTIONS' | 'DEBT_REPORTS' | 'CONSUMER_RECORDS';
  received: number;
  accepted: number;
  rejected: RejectedItemV1[];
  error?: { code: string; field?: string; reason: string };
  processedAt?: string;
}
export interface DebtNoticeV1 {
  noticeId: string;
  cpf: string;
  name: string;
  address: Record<string, unknown>;
  debts: { debtId: string; creditor: string; creditorCnpj: string; amountCents: number; dueDate: string }[];
  sentAt: string;
  reportableFrom: string;
}
/** The notices of newly registered debts, for the operator's mailing system: one letter per noticeId. */
export interface DebtNoticesV1 {
  notices: DebtNoticeV1[];
}
