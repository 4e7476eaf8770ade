import {
  AuditEntry,
  AuditEntryInput,
  AuditLog,
  AuditPage,
  AuditVerification,
  SealedAuditEntry,
  SubjectAuditQuery,
} from '@app/credit-application';
import { Cpf } from '@app/shared-kernel';

/** Test adapter of the AuditLog port: keeps what was recorded, in order, for assertions. */
export class RecordingAuditLog extends AuditLog {
  readonly recorded: AuditEntryInput[] = [];

  /** Entries that arrived sealed (through a journal), in order. */
  readonly sealed: SealedAuditEntry[] = [];

  override async record(entry: AuditEntryInput): Promise<void> {
    this.recorded.push(entry);
    this.times.push(this.now());
  }

  /** Entries are recorded at this clock's time; a test may move it. */
  now: () => Date = () => new Date(0);

  private readonly times: Date[] = [];

  /** Batches the rating engine records, each batch as it arrived. */
  readonly batches: AuditEntryInput[][] = [];

  override async recordMany(entries: readonly AuditEntryInput[]): Promise<void> {
    this.batches.push([...entries]);
    for (const entry of entries) await this.record(entry);
  }

  seal(entry: AuditEntryInput): SealedAuditEntry {
    const { cpf, detail, ...rest } = entry;
    return {
      ...rest,
      cpfMasked: cpf?.masked ?? null,
      cpfHash: cpf ? `hash:${cpf.masked}` : null,
      detail: detail ? JSON.stringify(detail) : null,
    };
  }

  async recordSealed(entry: SealedAuditEntry): Promise<void> {
    this.sealed.push(entry);
  }

  async forSubject(cpf: Cpf, since: Date, limit: number): Promise<AuditEntry[]> {
    return (await this.forSubjectPage(cpf, { since, limit })).entries;
  }

  /** Newest first, as the real log; the cursor is how many entries earlier pages served. */
  async forSubjectPage(cpf: Cpf, query: SubjectAuditQuery): Promise<AuditPage> {
    const skip = query.cursor ? Number(query.cursor) : 0;
    const matching = this.recorded
      .map(({ cpf, ...e }, seq): AuditEntry => ({
        ...e,
        seq,
        at: this.times[seq]!,
        cpfMasked: cpf?.masked ?? null,
        cpfHash: null,
        detail: e.detail ?? null,
        prevHash: '',
        hash: '',
      }))
      .filter((e, seq) => this.recorded[seq]!.cpf?.equals(cpf) && e.at.getTime() >= query.since.getTime())
      .filter(
        (e) =>
          (!query.actions || query.actions.includes(e.action)) &&
          (!query.outcomes || query.outcomes.includes(e.outcome)),
      )
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq);
    const entries = matching.slice(skip, skip + query.limit);
    return { entries, nextCursor: matching.length > skip + query.limit ? String(skip + query.limit) : null };
  }

  async verify(): Promise<AuditVerification> {
    return { ok: true, checked: this.recorded.length, brokenAt: null, reason: null };
  }
}
