import { Cpf } from '@app/shared-kernel';

export type AuditAction = 'READ' | 'WRITE';
export type AuditResource =
  'CONSUMER' | 'RATING_FEATURES' | 'RATING' | 'ANALYSIS' | 'TRANSACTIONS' | 'INQUIRIES' | 'SUBJECT_EXPORT';
export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'NOT_FOUND' | 'INVALID' | 'ERROR';

/**
 * What a write changed, for the entries that must show it (a correction: its reason, the value before and after).
 * JSON; it holds personal data, so the log keeps it encrypted, and it never holds a CPF.
 */
export type AuditDetail = Record<string, unknown>;

export interface AuditEntryInput {
  /** The API client (key name) that acted. */
  clientId: string;
  /** The scope that authorised the call, e.g. consumer:read. */
  scope: string;
  /** Declared purpose of a read of personal data (X-Purpose); null for writes that need none. */
  purpose: string | null;
  /** The data subject, when the call concerns one CPF; stored masked plus a keyed hash, never in clear. */
  cpf: Cpf | null;
  action: AuditAction;
  resource: AuditResource;
  outcome: AuditOutcome;
  /** Correlation id of the request, to join the audit trail with logs. */
  requestId: string;
  detail?: AuditDetail | null;
  /**
   * Names the act when it may be reported twice (a read served after its journalled step timed out, which may have
   * run): the log keeps the first entry with a key and drops the others. Server-made, never a client's request id.
   */
  idempotencyKey?: string;
}

/**
 * An entry whose data subject is already reduced to what the log keeps, the masked CPF and its keyed hash, and whose
 * detail is already encrypted: the form in which an entry may wait outside the log (the Redis audit journal) without
 * holding a CPF or personal data in clear.
 */
export interface SealedAuditEntry extends Omit<AuditEntryInput, 'cpf' | 'detail'> {
  cpfMasked: string | null;
  cpfHash: string | null;
  /** The detail as the log stores it (encrypted); absent or null when there is none. */
  detail?: string | null;
}

export interface AuditEntry extends Omit<AuditEntryInput, 'cpf' | 'detail'> {
  seq: number;
  at: Date;
  cpfMasked: string | null;
  cpfHash: string | null;
  /** The detail decrypted, or null. */
  detail: AuditDetail | null;
  prevHash: string;
  hash: string;
}

/** Entries about one data subject of some kinds, a page at a time, newest first. */
export interface SubjectAuditQuery {
  since: Date;
  /** Only these actions (all when absent). */
  actions?: AuditAction[];
  /** Only these outcomes (all when absent). */
  outcomes?: AuditOutcome[];
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** First entry whose hash or link does not match, when the chain is broken. */
  brokenAt: number | null;
  reason: string | null;
}

/**
 * Append-only, hash-chained record of every read and write of A and B data: each entry's hash covers its content
 * and the previous entry's hash, so changing or deleting any entry breaks the chain from there on.
 */
export abstract class AuditLog {
  record(entry: AuditEntryInput): Promise<void> {
    return this.recordSealed(this.seal(entry));
  }

  /** Several entries, chained in this order, as one batch: a window of the rating engine's writes. */
  recordMany(entries: readonly AuditEntryInput[]): Promise<void> {
    return this.recordSealedMany(entries.map((e) => this.seal(e)));
  }

  /** By default each entry on its own; logs that can take a batch in one round trip override it. */
  async recordSealedMany(entries: readonly SealedAuditEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => this.recordSealed(e)));
  }
  /** The entry as this log will store it, ready to be journalled and recorded later with recordSealed. */
  abstract seal(entry: AuditEntryInput): SealedAuditEntry;
  abstract recordSealed(entry: SealedAuditEntry): Promise<void>;
  /** Entries about one data subject, newest first, at most `limit` of them. */
  abstract forSubject(cpf: Cpf, since: Date, limit: number): Promise<AuditEntry[]>;
  /**
   * Entries about one data subject filtered by kind in the query, not after reading, and paged with a cursor: the
   * subject's consultations are every read, however many writes the engine made since.
   */
  abstract forSubjectPage(cpf: Cpf, query: SubjectAuditQuery): Promise<AuditPage>;
  abstract verify(): Promise<AuditVerification>;
}
