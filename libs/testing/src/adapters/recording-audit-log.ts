import { AuditEntry, AuditEntryInput, AuditLog, AuditVerification, SealedAuditEntry } from '../../../credit/src/application/ports/audit-log';
import { Cpf } from '../../../shared-kernel/src/cpf.value-object';

/** Test adapter of the AuditLog port: keeps what was recorded, in order, for assertions. */
export class RecordingAuditLog extends AuditLog {
  readonly recorded: AuditEntryInput[] = [];

  /** Entries that arrived sealed (through a journal), in order. */
  readonly sealed: SealedAuditEntry[] = [];

  override async record(entry: AuditEntryInput): Promise<void> {
    this.recorded.push(entry);
  }

  /** Batches the rating engine records, each batch as it arrived. */
  readonly batches: AuditEntryInput[][] = [];

  override async recordMany(entries: readonly AuditEntryInput[]): Promise<void> {
    this.batches.push([...entries]);
    this.recorded.push(...entries);
  }

  seal(entry: AuditEntryInput): SealedAuditEntry {
    const { cpf, ...rest } = entry;
    return { ...rest, cpfMasked: cpf?.masked ?? null, cpfHash: cpf ? `hash:${cpf.masked}` : null };
  }

  async recordSealed(entry: SealedAuditEntry): Promise<void> {
    this.sealed.push(entry);
  }

  async forSubject(cpf: Cpf): Promise<AuditEntry[]> {
    return this.recorded
      .filter((e) => e.cpf?.equals(cpf))
      .map((e, seq) => ({ ...e, seq, at: new Date(0), cpfMasked: e.cpf?.masked ?? null, cpfHash: null, prevHash: '', hash: '' }));
  }

  async verify(): Promise<AuditVerification> {
    return { ok: true, checked: this.recorded.length, brokenAt: null, reason: null };
  }
}
