import { Cpf, Money, ValidationError } from '@app/shared-kernel';
import { Address } from './address.value-object';
import { Debt } from './debt.entity';

interface ConsumerProps {
  cpf: Cpf;
  name: string;
  address: Address;
  debts: Debt[];
  updatedAt: Date;
}

export interface DebtSummary {
  reportableCount: number;
  openCount: number;
  overdueCount: number;
  openAmountCents: number;
  overdueAmountCents: number;
  maxDaysOverdue: number;
}

/** A consumer's name as kept: white space trimmed and collapsed, 2 to 160 characters. */
export function consumerName(raw: unknown, field = 'name'): string {
  const name = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (name.length < 2 || [...name].length > 160)
    throw new ValidationError('NAME_INVALID', field, 'must be 2 to 160 characters');
  return name;
}

/** A_CONSUMER: who the person is and what they owe. */
export class Consumer {
  private constructor(private readonly props: ConsumerProps) {}

  static create(input: { cpf: Cpf; name: string; address: Address; debts: Debt[]; updatedAt: Date }): Consumer {
    const name = consumerName(input.name);
    const ids = new Set<string>();
    for (const debt of input.debts) {
      if (ids.has(debt.id))
        throw new ValidationError('DEBT_DUPLICATED', 'debts.id', `debt id ${debt.id} appears more than once`);
      ids.add(debt.id);
    }
    return new Consumer({ ...input, name, debts: [...input.debts] });
  }

  get cpf(): Cpf {
    return this.props.cpf;
  }
  get name(): string {
    return this.props.name;
  }
  get address(): Address {
    return this.props.address;
  }
  get debts(): readonly Debt[] {
    return this.props.debts;
  }
  get updatedAt(): Date {
    return this.props.updatedAt;
  }

  /** Only what the law allows a report to show (CDC art. 43): the rest is kept for the subject, never reported. */
  reportableDebts(now: Date): Debt[] {
    return this.props.debts.filter((d) => d.isReportable(now));
  }

  /**
   * The instants after `now` at which an unsettled debt enters or leaves the report: each changes what a rating
   * computed now was allowed to use, by the calendar alone.
   */
  negativeRecordBoundaries(now: Date): Date[] {
    return negativeRecordBoundaries(this.props.debts, now);
  }

  debtSummary(now: Date): DebtSummary {
    return summarizeDebts(this.props.debts, now);
  }
}

/** The debt figures a report and a rating use, from reportable debts only (CDC art. 43). */
function summarizeDebts(debts: readonly Debt[], now: Date): DebtSummary {
  const reportable = debts.filter((d) => d.isReportable(now));
  const open = reportable.filter((d) => !d.isSettled());
  const overdue = open.filter((d) => d.isOverdue(now));
  return {
    reportableCount: reportable.length,
    openCount: open.length,
    overdueCount: overdue.length,
    openAmountCents: Money.sum(
      open.map((d) => d.props.amount),
      'debts.amountCents',
    ).cents,
    overdueAmountCents: Money.sum(
      overdue.map((d) => d.props.amount),
      'debts.amountCents',
    ).cents,
    maxDaysOverdue: overdue.reduce((m, d) => Math.max(m, d.daysOverdue(now)), 0),
  };
}

/**
 * The boundaries of a rating's validity: when each unpaid debt reportable at `now` stops being reportable, and when
 * each unpaid debt still in its notice period (CDC art. 43 §2) becomes reportable.
 */
function negativeRecordBoundaries(debts: readonly Debt[], now: Date): Date[] {
  const boundaries: Date[] = [];
  for (const d of debts) {
    if (d.isSettled()) continue;
    if (d.isPendingNotice(now)) boundaries.push(d.props.reportableFrom!);
    else if (d.isReportable(now)) boundaries.push(d.reportableUntil());
  }
  return boundaries;
}

/** What A contributes to a rating: a consumer's debts, without who the consumer is. */
export class DebtRecord {
  constructor(readonly debts: readonly Debt[]) {}

  debtSummary(now: Date): DebtSummary {
    return summarizeDebts(this.debts, now);
  }

  negativeRecordBoundaries(now: Date): Date[] {
    return negativeRecordBoundaries(this.debts, now);
  }
}
