import { DAY_MS, Money, ValidationError, addYears } from '@app/shared-kernel';
import { Cnpj } from './cnpj.value-object';

export const DEBT_STATUSES = ['OPEN', 'OVERDUE', 'RENEGOTIATED', 'PAID'] as const;
export type DebtStatus = (typeof DEBT_STATUSES)[number];

/** CDC art. 43 §1: negative information may not be kept in a report for more than five years. */
export const REPORTING_LIMIT_YEARS = 5;

export interface DebtProps {
  id: string;
  creditor: string;
  creditorCnpj: string;
  amount: Money;
  dueDate: Date;
  status: DebtStatus;
  /** When the debt's own limitation period (prescrição) ends; after it the debt leaves the report (CDC art. 43 §5). */
  limitationDate: Date | null;
}

export class Debt {
  private constructor(readonly props: Readonly<DebtProps>) {}

  static create(input: {
    id: string;
    creditor: string;
    creditorCnpj: string;
    amountCents: number;
    dueDate: Date;
    status: string;
    limitationDate?: Date | null;
  }, field = 'debts'): Debt {
    if (typeof input.id !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(input.id)) {
      throw new ValidationError('DEBT_INVALID', `${field}.id`, 'must be 1-64 letters, digits or ._:-');
    }
    if (typeof input.creditor !== 'string' || input.creditor.trim() === '' || [...input.creditor].length > 160) {
      throw new ValidationError('DEBT_INVALID', `${field}.creditor`, 'must be non-empty text of at most 160 characters');
    }
    if (!DEBT_STATUSES.includes(input.status as DebtStatus)) {
      throw new ValidationError('DEBT_INVALID', `${field}.status`, `must be one of ${DEBT_STATUSES.join(', ')}`);
    }
    const amount = Money.nonNegative(input.amountCents, `${field}.amountCents`);
    if (!amount.isPositive()) throw new ValidationError('DEBT_INVALID', `${field}.amountCents`, 'must be greater than zero');
    if (input.limitationDate && input.limitationDate < input.dueDate) {
      throw new ValidationError('DEBT_INVALID', `${field}.limitationDate`, 'must not be before the due date');
    }
    return new Debt({
      id: input.id,
      creditor: input.creditor.trim(),
      creditorCnpj: Cnpj.parse(input.creditorCnpj, `${field}.creditorCnpj`).value,
      amount,
      dueDate: input.dueDate,
      status: input.status as DebtStatus,
      limitationDate: input.limitationDate ?? null,
    });
  }

  get id(): string {
    return this.props.id;
  }

  isSettled(): boolean {
    return this.props.status === 'PAID';
  }

  /** Unpaid and past its due date, whatever status the creditor reported. */
  isOverdue(now: Date): boolean {
    return !this.isSettled() && this.props.dueDate.getTime() < now.getTime();
  }

  daysOverdue(now: Date): number {
    return this.isOverdue(now) ? Math.floor((now.getTime() - this.props.dueDate.getTime()) / DAY_MS) : 0;
  }

  /** May this debt appear in a credit report today? Not once five years have passed since it fell due, nor after its limitation date. */
  isReportable(now: Date): boolean {
    if (addYears(this.props.dueDate, REPORTING_LIMIT_YEARS).getTime() <= now.getTime()) return false;
    if (this.props.limitationDate && this.props.limitationDate.getTime() <= now.getTime()) return false;
    return true;
  }
}
