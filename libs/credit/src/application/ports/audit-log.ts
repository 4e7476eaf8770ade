import { Cpf } from '@app/shared-kernel';

export type AuditAction = 'READ' | 'WRITE';
export type AuditResource = 'CONSUMER' | 'RATING_FEATURES' | 'RATING' | 'ANALYSIS' | 'TRANSACTIONS' | 'INQUIRIES' | 'SUBJECT_EXPORT';
export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'NOT_FOUND' | 'INVALID' | 'ERROR';

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
}

/**
 * An entry whose data subject is already reduced to what the log keeps, the masked CPF and its keyed hash: the form in
 * which an entry may wait outside the log (the Redis audit journal) without holding a CPF in clear.
 */
export interface SealedAuditEntry extends Omit<AuditEntryInput, 'cpf'> {
  cpfMasked: string | null;
  cpfHash: string | null;
}

export interface AuditEntry extends Omit<AuditEntryInput, 'cpf'> {
  seq: number;
  at: Date;
  cpfMasked: string | null;
  cpfHash: string | null;
  prevHash: string;
  hash: string;
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
  /** Entries about one data subject, newest first (used by the subject's own access requests). */
  abstract forSubject(cpf: Cpf, since: Date, limit: number): Promise<AuditEntry[]>;
  abstract verify(): Promise<AuditVerification>;
}
