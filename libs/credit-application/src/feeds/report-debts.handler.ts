import { Clock, Cpf, DomainError } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Debt,
  AppliedDebtReport,
  DebtReport,
  applyDebtReport,
  parseDebtReport,
  NoticePeriod,
} from '@app/credit-domain';
import { ChangeNotifier } from '../events/change-notifier';
import { consumerDataChanged } from '../events/consumer-data-changed.event';
import { DebtNoticeEvent } from '../events/debt-notice.event';
import { AuditEntryInput, AuditLog } from '../ports/audit-log';
import { ConsumerFeeds, DebtWrites, HeldDebts, debtKey } from '../ports/consumer-feeds';
import { FeedBatchResult, RejectedItem, resultOf } from './feed-batch';
import { ReportDebtsCommand } from './report-debts.command';

interface Parsed {
  batch: number;
  index: number;
  report: DebtReport;
}

interface Decided {
  accepted: Parsed[];
  rejected: RejectedItem[][];
  notices: DebtNoticeEvent[];
}

/**
 * Set-based: the reports of every batch are parsed, then one transaction locks their consumers, reads the debts they
 * name, applies them in memory in order and writes the outcome in a few statements. After the commit, side by side: one
 * audit batch (every accepted report, so a redelivered batch is audited again rather than never), and the change and
 * the notices of newly registered debts; both awaited before the command completes.
 */
@CommandHandler(ReportDebtsCommand)
export class ReportDebtsHandler implements ICommandHandler<ReportDebtsCommand, FeedBatchResult[]> {
  constructor(
    private readonly feeds: ConsumerFeeds,
    private readonly clock: Clock,
    private readonly noticePeriod: NoticePeriod,
    private readonly changes: ChangeNotifier,
    private readonly audit: AuditLog,
  ) {}

  async execute({ batches, metadata }: ReportDebtsCommand): Promise<FeedBatchResult[]> {
    const now = this.clock.now();
    const rejected: RejectedItem[][] = batches.map(() => []);
    const parsed: Parsed[] = [];
    batches.forEach((b, batch) => {
      for (const { index, input } of b.items) {
        try {
          parsed.push({ batch, index, report: parseDebtReport(input, `reports[${index}]`) });
        } catch (error) {
          rejected[batch]!.push(rejection(error, index));
        }
      }
    });
    const keys = parsed.map((p) => ({ cpf: p.report.cpf, debtId: p.report.debtId }));
    const sources = batches.map((b) => b.source);
    const decided = await this.feeds.changeDebts(keys, (held) => this.decide(held, parsed, sources, now, metadata));
    decided.rejected.forEach((r, batch) => rejected[batch]!.push(...r));
    const entries = [
      ...decided.accepted.map((p) => auditEntry(batches[p.batch]!.client, batches[p.batch]!.batchId, p, 'SUCCESS')),
      ...invalidEntries(parsed, decided, batches),
    ];
    const cpfs = [...new Set(decided.accepted.map((p) => p.report.cpf.value))];
    // Side by side: both must be done before the batch is acknowledged, and both are safe to repeat on redelivery.
    await Promise.all([
      entries.length ? this.audit.recordMany(entries) : undefined,
      cpfs.length
        ? this.changes.notifyMany([...consumerDataChanged(cpfs, 'CONSUMER', metadata), ...decided.notices])
        : undefined,
    ]);
    return batches.map((b, i) => resultOf(b, decided.accepted.filter((p) => p.batch === i).length, rejected[i]!));
  }

  /** Inside the transaction: pure, given what it read. Reports apply in order, each to the state left before it. */
  private decide(
    held: HeldDebts,
    parsed: Parsed[],
    sources: string[],
    now: Date,
    metadata: ReportDebtsCommand['metadata'],
  ): { writes: DebtWrites; result: Decided } {
    const state = new Map<string, Debt | null>();
    const changed = new Set<string>();
    const owners = new Map<string, Cpf>();
    const toNotice = new Map<string, Map<string, Debt>>();
    const decided: Decided = { accepted: [], rejected: sources.map(() => []), notices: [] };
    for (const p of parsed) {
      const { report } = p;
      const key = debtKey(report.cpf.value, report.debtId);
      if (!held.consumers.has(report.cpf.value)) {
        decided.rejected[p.batch]!.push({
          index: p.index,
          code: 'CONSUMER_NOT_FOUND',
          field: `reports[${p.index}].cpf`,
          reason: 'no consumer is registered under this CPF: send its consumer record first',
        });
        continue;
      }
      let applied: AppliedDebtReport;
      try {
        const current = state.has(key) ? state.get(key)! : (held.debts.get(key) ?? null);
        const ctx = { now, source: sources[p.batch]!, noticePeriod: this.noticePeriod, field: `reports[${p.index}]` };
        applied = applyDebtReport(current, report, ctx);
      } catch (error) {
        decided.rejected[p.batch]!.push(rejection(error, p.index));
        continue;
      }
      decided.accepted.push(p);
      if (applied.outcome !== 'UNCHANGED') {
        state.set(key, applied.debt);
        changed.add(key);
        owners.set(key, report.cpf);
      }
      const pending = toNotice.get(report.cpf.value) ?? new Map<string, Debt>();
      if (applied.notice) toNotice.set(report.cpf.value, pending.set(report.debtId, applied.debt!));
      // A debt paid or removed later in the batch needs no notice any more.
      else if (!applied.debt || applied.debt.isSettled()) pending.delete(report.debtId);
    }
    for (const [cpf, debts] of toNotice) {
      // Each debt as the batch left it: registered, then changed by a later report of the same batch.
      const final = [...debts.entries()].map(([debtId, debt]) => state.get(debtKey(cpf, debtId)) ?? debt);
      if (final.length) {
        decided.notices.push(DebtNoticeEvent.of(cpf, held.consumers.get(cpf)!.contact(), final, now, metadata));
      }
    }
    const writes: DebtWrites = { upserts: [], removals: [], touched: [], at: now };
    for (const key of changed) {
      const cpf = owners.get(key)!;
      const debt = state.get(key);
      if (debt) writes.upserts.push({ cpf, debt });
      else writes.removals.push({ cpf, debtId: key.slice(cpf.value.length + 1) });
      writes.touched.push(cpf);
    }
    return { writes, result: decided };
  }
}

function rejection(error: unknown, index: number): RejectedItem {
  if (!(error instanceof DomainError)) throw error;
  return { index, code: error.code, field: error.field ?? `reports[${index}]`, reason: error.message };
}

function auditEntry(client: string, batchId: string, p: Parsed, outcome: 'SUCCESS' | 'INVALID'): AuditEntryInput {
  return {
    clientId: client,
    scope: 'consumer:write',
    purpose: null,
    cpf: p.report.cpf,
    action: 'WRITE',
    resource: 'CONSUMER',
    outcome,
    requestId: batchId.slice(0, 128),
    detail: { feed: 'DEBT_REPORT', operation: p.report.operation, debtId: p.report.debtId },
  };
}

/** Reports refused by what the consumer's record holds: audited as INVALID, since they name a CPF. */
function invalidEntries(parsed: Parsed[], decided: Decided, batches: ReportDebtsCommand['batches']): AuditEntryInput[] {
  const refused = new Set(decided.rejected.flatMap((r, batch) => r.map((x) => `${batch}/${x.index}`)));
  return parsed
    .filter((p) => refused.has(`${p.batch}/${p.index}`))
    .map((p) => auditEntry(batches[p.batch]!.client, batches[p.batch]!.batchId, p, 'INVALID'));
}
