import { CalendarDate, Money, ValidationError, Cnpj } from '@app/shared-kernel';
import { LATEST_DUE_YEARS_AHEAD, boundedAmount, dayWithin } from '../plausibility';

export const DEBT_STATUSES = ['OPEN', 'OVERDUE', 'RENEGOTIATED', 'PAID'] as const;
type DebtStatus = (typeof DEBT_STATUSES)[number];

/** CDC art. 43 §1: negative information may not be kept in a report for more than five years. */
const REPORTING_LIMIT_YEARS = 5;

interface DebtProps {
  id: string;
  creditor: string;
  creditorCnpj: string;
  amount: Money;
  /** The last day the debtor may pay: the debt falls overdue when this day ends in Brasília. */
  dueDate: CalendarDate;
  status: DebtStatus;
  /** The day its limitation period (prescrição) is complete: from then on it leaves the report (CDC art. 43 §5). */
  limitationDate: CalendarDate | null;
  /**
   * When a newly registered debt may first be reported: once the consumer was notified and the notice period has run
   * (CDC art. 43 §2). null for a debt reportable from its registration (held before the notice period was kept).
   */
  reportableFrom: Date | null;
  /** The verified source that registered it through a creditor feed (`amqp:<user>`, `api:<client>`); null otherwise. */
  reportedBy: string | null;
}

export class Debt {
  private constructor(readonly props: Readonly<DebtProps>) {}

  /**
   * `asOf` is given for new input only: it turns on the plausibility rules (amount ceiling, dates from 1900 to 50
   * years ahead), so a record stored before a rule existed still loads and can be corrected.
   */
  static create(
    input: {
      id: string;
      creditor: string;
      creditorCnpj: string;
      amountCents: number;
      dueDate: CalendarDate;
      status: string;
      limitationDate?: CalendarDate | null;
      reportableFrom?: Date | null;
      reportedBy?: string | null;
    },
    field = 'debts',
    asOf?: CalendarDate,
  ): Debt {
    if (typeof input.id !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(input.id)) {
      throw new ValidationError('DEBT_INVALID', `${field}.id`, 'must be 1-64 letters, digits or ._:-');
    }
    if (typeof input.creditor !== 'string' || input.creditor.trim() === '' || [...input.creditor].length > 160) {
      throw new ValidationError(
        'DEBT_INVALID',
        `${field}.creditor`,
        'must be non-empty text of at most 160 characters',
      );
    }
    if (!DEBT_STATUSES.includes(input.status as DebtStatus)) {
      throw new ValidationError('DEBT_INVALID', `${field}.status`, `must be one of ${DEBT_STATUSES.join(', ')}`);
    }
    const amount = Money.nonNegative(input.amountCents, `${field}.amountCents`);
    if (!amount.isPositive())
      throw new ValidationError('DEBT_INVALID', `${field}.amountCents`, 'must be greater than zero');
    const dueDate = input.dueDate;
    const limitationDate = input.limitationDate ?? null;
    if (asOf) {
      boundedAmount(amount.cents, 'debt', `${field}.amountCents`);
      const latest = asOf.plusYears(LATEST_DUE_YEARS_AHEAD);
      dayWithin(dueDate, latest, `${field}.dueDate`);
      if (limitationDate) dayWithin(limitationDate, latest, `${field}.limitationDate`);
    }
    if (limitationDate && limitationDate.isBefore(dueDate)) {
      throw new ValidationError('DEBT_INVALID', `${field}.limitationDate`, 'must not be before the due date');
    }
    return new Debt({
      id: input.id,
      creditor: input.creditor.trim(),
      creditorCnpj: Cnpj.parse(input.creditorCnpj, `${field}.creditorCnpj`).value,
      amount,
      dueDate,
      status: input.status as DebtStatus,
      limitationDate,
      reportableFrom: input.reportableFrom ?? null,
      reportedBy: input.reportedBy ?? null,
    });
  }

  /** The same debt with some of its terms changed: every rule is checked again (`asOf` as in create). */
  with(changes: Partial<Pick<DebtProps, 'amount' | 'dueDate' | 'status'>>, field = 'debts', asOf?: CalendarDate): Debt {
    const p = { ...this.props, ...changes };
    return Debt.create({ ...p, amountCents: p.amount.cents }, field, asOf);
  }

  get id(): string {
    return this.props.id;
  }

  isSettled(): boolean {
    return this.props.status === 'PAID';
  }

  /**
   * Unpaid once its due day has ended in Brasília, whatever status the creditor reported: the debtor may pay until
   * the due day is over, so at 21:30 on the due day (00:30 UTC of the next) it is not overdue yet.
   */
  isOverdue(now: Date): boolean {
    return !this.isSettled() && CalendarDate.today(now).isAfter(this.props.dueDate);
  }

  /** Whole days since the due day, in Brasília: 1 on the day after it. */
  daysOverdue(now: Date): number {
    return this.isOverdue(now) ? this.props.dueDate.daysUntil(CalendarDate.today(now)) : 0;
  }

  /**
   * The first instant this debt may no longer appear in a report. The five years run from the day after the due date
   * (STJ, REsp 1.316.117) and end before that day's fifth anniversary, at 00:00 in Brasília; a first overdue day of 29
   * February has its anniversary on 1 March. A limitation date ends it at 00:00 of that day if sooner (CDC art. 43 §5).
   */
  reportableUntil(): Date {
    const fiveYears = this.props.dueDate.plusDays(1).plusYears(REPORTING_LIMIT_YEARS).startsAt();
    const limitation = this.props.limitationDate?.startsAt();
    return limitation && limitation < fiveYears ? limitation : fiveYears;
  }

  /**
   * May this debt appear in a credit report at `now`? After its notice period, if any, and before reportableUntil().
   */
  isReportable(now: Date): boolean {
    return !this.isPendingNotice(now) && now.getTime() < this.reportableUntil().getTime();
  }

  /** Registered, but its notice period has not run yet: shown to the consumer, never in a report or score. */
  isPendingNotice(now: Date): boolean {
    return this.props.reportableFrom !== null && now.getTime() < this.props.reportableFrom.getTime();
  }
}
