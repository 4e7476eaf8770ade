import { CalendarDate } from '@app/shared-kernel';
import { Debt } from './debt.entity';

/** Days a newly registered debt waits, after the consumer's notice is sent, before it may be reported. */
const DEFAULT_NOTICE_DAYS = 10;

/**
 * CDC art. 43 §2, STJ Súmulas 359 and 404: a record is not reportable until the consumer's notice period has run,
 * counted from the day the notice was sent as CC art. 132 counts terms (docs/legal-rules.md). 0 days is for tests and
 * records noticed elsewhere, and is refused with NODE_ENV=production.
 */
export class NoticePeriod {
  constructor(readonly days: number = DEFAULT_NOTICE_DAYS) {
    if (!Number.isInteger(days) || days < 0) throw new Error('a notice period is a whole number of days, 0 or more');
  }

  /** When a debt whose notice was sent at `sentAt` may first be reported. */
  endsAt(sentAt: Date): Date {
    if (this.days === 0) return sentAt;
    return CalendarDate.today(sentAt)
      .plusDays(this.days + 1)
      .startsAt();
  }

  /**
   * A consumer's debt list as written by a client that sends the whole list (PUT): a debt held before keeps its notice
   * state and source; a debt new to the list and unpaid is registered now and waits for its notice. Returns the list
   * and the unpaid debts still waiting, which the notice names: sent again with every write, under the same id while
   * they are the same, so a write repeated after a crash never leaves a notice unsent.
   */
  register(previous: readonly Debt[], next: readonly Debt[], now: Date): { debts: Debt[]; noticed: Debt[] } {
    const held = new Map(previous.map((d) => [d.id, d]));
    const debts = next.map((debt) => {
      const before = held.get(debt.id);
      if (before) return rebuilt(debt, before.props.reportableFrom, before.props.reportedBy);
      return debt.isSettled() ? debt : rebuilt(debt, this.endsAt(now), debt.props.reportedBy);
    });
    return { debts, noticed: debts.filter((d) => !d.isSettled() && d.isPendingNotice(now)) };
  }
}

function rebuilt(debt: Debt, reportableFrom: Date | null, reportedBy: string | null): Debt {
  const p = debt.props;
  if (p.reportableFrom === reportableFrom && p.reportedBy === reportedBy) return debt;
  return Debt.create({ ...p, amountCents: p.amount.cents, reportableFrom, reportedBy });
}
