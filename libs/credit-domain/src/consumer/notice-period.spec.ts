import { CalendarDate } from '@app/shared-kernel';
import { NOW, aDebt, daysAfter } from '@app/testing';
import { ratingValidUntil } from '../rating/rating-validity';
import { DebtRecord } from './consumer.entity';
import { NoticePeriod } from './notice-period';

const brt = (iso: string) => CalendarDate.fromString(iso).startsAt();

describe("NoticePeriod (CDC art. 43 §2): a new record waits for the consumer's notice", () => {
  describe('endsAt, counted as the Código Civil counts terms, on the Brasília calendar', () => {
    it('leaves the day the notice is sent out and ends at 00:00 BRT of the day after the tenth day', () => {
      expect(new NoticePeriod(10).endsAt(new Date('2025-06-01T15:00:00Z'))).toEqual(brt('2025-06-12'));
    });

    it('counts a notice sent at 22:30 BRT (01:30 UTC the next day) from the day it is in Brasília', () => {
      expect(new NoticePeriod(10).endsAt(new Date('2025-06-02T01:30:00Z'))).toEqual(brt('2025-06-12'));
    });

    it('runs across a month end, and is configurable; 0 days: reportable once the notice is sent', () => {
      expect(new NoticePeriod(5).endsAt(new Date('2025-01-29T12:00:00Z'))).toEqual(brt('2025-02-04'));
      expect(new NoticePeriod(0).endsAt(NOW)).toEqual(NOW);
      expect(() => new NoticePeriod(-1)).toThrow(/whole number of days/);
    });
  });

  describe('a debt in its notice period', () => {
    const pending = aDebt({ reportableFrom: daysAfter(NOW, 3) });

    it('is held but not reportable until the period ends, then reportable', () => {
      expect(pending.isPendingNotice(NOW)).toBe(true);
      expect(pending.isReportable(NOW)).toBe(false);
      expect(pending.isReportable(daysAfter(NOW, 3))).toBe(true);
      expect(pending.isPendingNotice(daysAfter(NOW, 3))).toBe(false);
    });

    it('stays out of the summary scores and reports read', () => {
      const summary = new DebtRecord([pending]).debtSummary(NOW);
      expect(summary).toMatchObject({ reportableCount: 0, overdueCount: 0, overdueAmountCents: 0 });
      expect(new DebtRecord([pending]).debtSummary(daysAfter(NOW, 4))).toMatchObject({
        reportableCount: 1,
        overdueCount: 1,
      });
    });

    it('makes a rating computed now stale at the instant it becomes reportable, if that comes first', () => {
      const reportable = aDebt({ id: 'old' });
      expect(ratingValidUntil(new DebtRecord([pending, reportable]), NOW)).toEqual(daysAfter(NOW, 3));
      expect(ratingValidUntil(new DebtRecord([reportable]), NOW)).toEqual(reportable.reportableUntil());
    });

    it('sets no boundary once paid: a paid debt neither enters nor leaves a report as a negative record', () => {
      expect(
        ratingValidUntil(new DebtRecord([aDebt({ status: 'PAID', reportableFrom: daysAfter(NOW, 3) })]), NOW),
      ).toBeNull();
    });
  });

  describe('register: a client that sends the whole list of debts (PUT)', () => {
    const period = new NoticePeriod(10);

    it('gives a new unpaid debt its notice period, and names it for the notice', () => {
      const { debts, noticed } = period.register([], [aDebt({ id: 'new' })], NOW);
      expect(debts[0]!.props.reportableFrom).toEqual(period.endsAt(NOW));
      expect(noticed.map((d) => d.id)).toEqual(['new']);
    });

    it('keeps the notice state of a debt held before, and needs no notice for a new paid one', () => {
      const held = aDebt({ id: 'held', reportableFrom: null });
      const { debts, noticed } = period.register(
        [held],
        [aDebt({ id: 'held', amountCents: 1 }), aDebt({ id: 'paid', status: 'PAID' })],
        NOW,
      );
      expect(debts.map((d) => d.props.reportableFrom)).toEqual([null, null]);
      expect(noticed).toEqual([]);
    });

    it('names again a debt still waiting, so a write repeated after a crash sends its notice (same debts, same id)', () => {
      const first = period.register([], [aDebt({ id: 'new' })], NOW);
      const again = period.register(first.debts, [aDebt({ id: 'new' })], daysAfter(NOW, 1));
      expect(again.noticed.map((d) => [d.id, d.props.reportableFrom])).toEqual([['new', period.endsAt(NOW)]]);
      expect(again.debts[0]!.props.reportableFrom).toEqual(first.debts[0]!.props.reportableFrom);
    });
  });
});
