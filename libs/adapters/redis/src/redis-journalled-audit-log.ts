import { Cpf } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import {
  AuditEntry,
  AuditEntryInput,
  AuditLog,
  AuditPage,
  AuditVerification,
  SealedAuditEntry,
  SubjectAuditQuery,
} from '@app/credit-application';
import { RedisClient, layoutOf } from './redis-client';
import { redisJournals } from './redis-keys';
import { RedisJournalWriter } from './redis-journal-writer';

/**
 * The audit log as requests see it when Redis is configured: an entry is durable once XADDed to the journal, and
 * RedisAuditJournalRelay appends it to the chain within AUDIT_CYCLE_MS, so a request waits for one Redis round trip,
 * not for the chain's lock. When the XADD fails the entry goes straight to the log (a timed-out XADD that did land
 * records it twice, never zero times). Reads go to the log itself.
 */
export class RedisJournalledAuditLog extends AuditLog {
  private readonly journal: RedisJournalWriter;

  constructor(
    redis: RedisClient,
    /** The log the relay appends to; it must never be this journalled log itself. */
    private readonly log: AuditLog,
    namespace: string,
    /** Replicas that must hold a journalled entry before the request goes on (REDIS_JOURNAL_REPLICAS). */
    replicas = 0,
  ) {
    super();
    const unavailable = 'audit journal unavailable, writing entries to the audit log directly';
    const journal = redisJournals.audit(namespace, layoutOf(redis));
    const logger = new Logger(RedisJournalledAuditLog.name);
    this.journal = new RedisJournalWriter(redis, journal, unavailable, logger, replicas);
  }

  seal(entry: AuditEntryInput): SealedAuditEntry {
    return this.log.seal(entry);
  }

  async recordSealed(entry: SealedAuditEntry): Promise<void> {
    if (!(await this.journal.append(JSON.stringify(entry)))) await this.log.recordSealed(entry);
  }

  /** One pipelined round trip for the batch; if any of it failed, the whole batch goes to the log (at least once). */
  override async recordSealedMany(entries: readonly SealedAuditEntry[]): Promise<void> {
    if (!(await this.journal.appendMany(entries.map((e) => JSON.stringify(e)))))
      await this.log.recordSealedMany(entries);
  }

  forSubject(cpf: Cpf, since: Date, limit: number): Promise<AuditEntry[]> {
    return this.log.forSubject(cpf, since, limit);
  }

  forSubjectPage(cpf: Cpf, query: SubjectAuditQuery): Promise<AuditPage> {
    return this.log.forSubjectPage(cpf, query);
  }

  verify(): Promise<AuditVerification> {
    return this.log.verify();
  }
}
