import { createHash } from 'node:crypto';
import { redactCpfs } from '@app/platform';
import { CalendarDate, Clock, Cpf, NotFoundError, ValidationError, startOfDayMonthsBefore } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Address, Consumer, Debt, ConsumerNotFoundError } from '@app/credit-domain';
import { ChangeNotifier } from '../events/change-notifier';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { CorrectionNoticeEvent } from '../events/correction-notice.event';
import { AuditLog, AuditResource } from '../ports/audit-log';
import { ConsumerRepository } from '../ports/consumer.repository';
import { CorrectConsumerCommand, Correction, CorrectionResult, DebtCorrectionInput } from './correct-consumer.command';

/** Who is told of a correction: whoever read it in the last six months (CDC art. 43 §3: eventuais destinatários). */
const CORRECTION_NOTICE_MONTHS = 6;

/** Which reads disclosed each corrected field: the analysis shows name and debts, the consumer record all three. */
const DISCLOSED_BY: Record<Correction['field'], readonly AuditResource[]> = {
  name: ['ANALYSIS', 'CONSUMER'],
  address: ['CONSUMER'],
  debt: ['ANALYSIS', 'CONSUMER'],
};

const DEBT_NOT_FOUND = 'DEBT_NOT_FOUND';

type Applied = { corrected: Consumer; before: unknown; after: unknown };
type Recipient = { client: string; lastReadAt: Date };

function debtView(d: Debt) {
  const p = d.props;
  return {
    id: p.id,
    creditor: p.creditor,
    creditorCnpj: p.creditorCnpj,
    amountCents: p.amount.cents,
    dueDate: p.dueDate.toString(),
    status: p.status,
    limitationDate: p.limitationDate?.toString() ?? null,
  };
}

/**
 * Corrects or cancels a wrong name, address or debt. The request's audit entry keeps why and what changed (before
 * and after, encrypted by the log); every client that received the data in the last six months, other than the data
 * subject's own reads, is listed and a notice goes out on the correction-notices queue.
 */
@CommandHandler(CorrectConsumerCommand)
export class CorrectConsumerHandler implements ICommandHandler<CorrectConsumerCommand, CorrectionResult> {
  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
    private readonly audit: AuditLog,
  ) {}

  async execute({ cpf: raw, correction, reason, metadata }: CorrectConsumerCommand): Promise<CorrectionResult> {
    const cpf = Cpf.parse(raw);
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500) {
      throw new ValidationError('CORRECTION_INVALID', 'reason', 'must say why, in 1 to 500 characters');
    }
    const current = await this.consumers.findByCpf(cpf);
    if (!current) throw new ConsumerNotFoundError();
    const now = this.clock.now();
    const { corrected, before, after } = this.apply(current, correction, now);
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    if (changed) await this.consumers.save(corrected);
    // Announced when nothing changed too: a retry of a correction whose first attempt died after saving finds the
    // data already corrected, and this is then the only announcement it gets.
    await this.changes.notify(new ConsumerDataChangedEvent([cpf.value], 'CONSUMER', metadata));
    const debtId = correction.field === 'debt' ? correction.debtId : null;
    const fingerprint = JSON.stringify([cpf.value, correction.field, debtId, after]);
    const correctionId = `corr-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 32)}`;
    const recipients = await this.recipients(cpf, correction.field, now);
    if (recipients.length > 0) {
      await this.changes.notify(
        new CorrectionNoticeEvent(correctionId, cpf.value, correction.field, debtId, now, recipients, metadata),
      );
    }
    const names = recipients.map((r) => r.client);
    return {
      field: correction.field,
      changed,
      correctionId,
      recipients: names,
      audit: {
        kind: 'CORRECTION',
        correctionId,
        field: correction.field,
        ...(debtId ? { debtId } : {}),
        reason: redactCpfs(reason.trim()),
        before,
        after,
        notified: names,
      },
    };
  }

  private apply(current: Consumer, correction: Correction, now: Date): Applied {
    const rebuild = (changes: Partial<{ name: string; address: Address; debts: Debt[] }>) =>
      Consumer.create({
        cpf: current.cpf,
        name: current.name,
        address: current.address,
        debts: [...current.debts],
        ...changes,
        updatedAt: now,
      });
    switch (correction.field) {
      case 'name': {
        const corrected = rebuild({ name: correction.value });
        return { corrected, before: current.name, after: corrected.name };
      }
      case 'address': {
        const corrected = rebuild({ address: Address.create(correction.value, 'value') });
        return { corrected, before: current.address.toJSON(), after: corrected.address.toJSON() };
      }
      case 'debt': {
        const existing = current.debts.find((d) => d.id === correction.debtId);
        if (!existing) throw new DebtNotFoundError(correction.debtId);
        const today = CalendarDate.today(now);
        const replacement = correction.value === null ? null : correctedDebt(existing, correction.value, today);
        const debts = current.debts.flatMap((d) => (d !== existing ? [d] : replacement ? [replacement] : []));
        return {
          corrected: rebuild({ debts }),
          before: debtView(existing),
          after: replacement ? debtView(replacement) : null,
        };
      }
    }
  }

  /** Distinct clients whose successful reads in the last six months disclosed the field, with their latest read. */
  private async recipients(cpf: Cpf, field: Correction['field'], now: Date): Promise<Recipient[]> {
    const since = startOfDayMonthsBefore(now, CORRECTION_NOTICE_MONTHS);
    const latest = new Map<string, Date>();
    let cursor: string | null = null;
    do {
      const query = { since, actions: ['READ' as const], outcomes: ['SUCCESS' as const], limit: 500, cursor };
      const page = await this.audit.forSubjectPage(cpf, query);
      for (const e of page.entries) {
        if (!DISCLOSED_BY[field].includes(e.resource) || e.purpose === 'DATA_SUBJECT_REQUEST') continue;
        if (!latest.has(e.clientId)) latest.set(e.clientId, e.at);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const recipients = [...latest.entries()].map(([client, lastReadAt]) => ({ client, lastReadAt }));
    return recipients.sort((a, b) => a.client.localeCompare(b.client));
  }
}

function correctedDebt(existing: Debt, value: DebtCorrectionInput, today: CalendarDate): Debt {
  const p = existing.props;
  return Debt.create(
    {
      id: p.id,
      creditor: value.creditor ?? p.creditor,
      creditorCnpj: value.creditorCnpj ?? p.creditorCnpj,
      amountCents: value.amountCents ?? p.amount.cents,
      dueDate: value.dueDate !== undefined ? CalendarDate.parse(value.dueDate, 'value.dueDate') : p.dueDate,
      status: value.status ?? p.status,
      limitationDate:
        value.limitationDate === undefined
          ? p.limitationDate
          : value.limitationDate === null
            ? null
            : CalendarDate.parse(value.limitationDate, 'value.limitationDate'),
      // A correction fixes what is recorded; the notice already given and the source stay.
      reportableFrom: p.reportableFrom,
      reportedBy: p.reportedBy,
    },
    'value',
    today,
  );
}

class DebtNotFoundError extends NotFoundError {
  constructor(debtId: string) {
    super(DEBT_NOT_FOUND, `this consumer has no debt with id ${debtId}`);
  }
}
