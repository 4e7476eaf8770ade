import { CalendarDate } from '@app/shared-kernel';
import { Debt } from './debt.entity';

/** Days a newly registered debt waits, after the consumer's notice is sent, before it may be reported. */
export const DEFAULT_NOTICE_DAYS = 10;

/**
 * CDC art. 43 §2 and STJ Súmula 359: the consumer is told before a negative record about them is opened, in time to
 * pay or dispute it. The record is kept from registration (and shown to the consumer) but is not reportable until
 * the period has run. Súmula 404 waives proof of receipt, so the period runs from the day the notice was sent. It is
 * counted as the Código Civil counts terms (art. 132): that day left out, the last day included, on the Brasília
 * calendar; the record may be reported from 00:00 of the day after the last one. A period of 0 days makes a record
 * reportable as soon as its notice is sent: for tests and for loading records whose notice was given elsewhere, never
 * for a deployment that serves real people (refused with NODE_ENV=production).
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
