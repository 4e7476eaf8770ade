import { ValidationError } from '@app/shared-kernel';
import { NOW, TODAY, aDay, aDebt, aDebtProps, daysAgo, daysAhead } from '@app/testing';
import { Debt } from './debt.entity';

function rejection(overrides: Parameters<typeof aDebtProps>[0], field?: string): ValidationError {
  try {
    Debt.create(aDebtProps(overrides), field, TODAY);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the debt to be rejected');
}

const at = (iso: string) => new Date(iso);

describe('Debt', () => {
  describe('creation', () => {
    it('keeps a valid debt with the CNPJ as digits and the creditor trimmed', () => {
      const debt = Debt.create(aDebtProps({ creditor: '  Financeira Aurora ', creditorCnpj: '11.222.333/0001-81' }));
      expect(debt.props).toMatchObject({
        id: 'debt-1',
        creditor: 'Financeira Aurora',
        creditorCnpj: '11222333000181',
        status: 'OVERDUE',
        limitationDate: null,
      });
      expect(debt.props.amount.cents).toBe(125_000);
      expect(debt.props.dueDate.toString()).toBe('2025-05-06');
    });

    it.each([
      ['an id with a space', { id: 'debt 1' }, 'debts[0].id', 'DEBT_INVALID'],
      ['an id longer than 64 characters', { id: 'd'.repeat(65) }, 'debts[0].id', 'DEBT_INVALID'],
      ['a blank creditor', { creditor: '  ' }, 'debts[0].creditor', 'DEBT_INVALID'],
      ['an unknown status', { status: 'LATE' }, 'debts[0].status', 'DEBT_INVALID'],
      ['an amount of zero', { amountCents: 0 }, 'debts[0].amountCents', 'DEBT_INVALID'],
      ['a negative amount', { amountCents: -100 }, 'debts[0].amountCents', 'MONEY_INVALID'],
      ['a fractional amount', { amountCents: 10.5 }, 'debts[0].amountCents', 'MONEY_INVALID'],
      ['a CNPJ with wrong check digits', { creditorCnpj: '11222333000182' }, 'debts[0].creditorCnpj', 'CNPJ_INVALID'],
      [
        'a limitation date before the due date',
        { limitationDate: daysAgo(41) },
        'debts[0].limitationDate',
        'DEBT_INVALID',
      ],
    ])('rejects %s, naming the field', (_label, overrides, field, code) => {
      expect(rejection(overrides, 'debts[0]')).toMatchObject({ code, field });
    });

    it('accepts each of the four statuses', () => {
      for (const status of ['OPEN', 'OVERDUE', 'RENEGOTIATED', 'PAID'])
        expect(aDebt({ status }).props.status).toBe(status);
    });
  });

  describe('plausibility of new input', () => {
    it('refuses a debt of MAX_SAFE_INTEGER cents, far above the R$ 100 million a person can owe on one debt', () => {
      expect(rejection({ amountCents: Number.MAX_SAFE_INTEGER }, 'debts[1]')).toMatchObject({
        code: 'AMOUNT_OUT_OF_RANGE',
        field: 'debts[1].amountCents',
      });
      expect(Debt.create(aDebtProps({ amountCents: 10_000_000_000 }), 'debts', TODAY).props.amount.cents).toBe(
        10_000_000_000,
      );
    });

    it('refuses a due date in year 0001 and one more than 50 years ahead', () => {
      expect(rejection({ dueDate: aDay('0001-03-10') }, 'debts[0]')).toMatchObject({
        code: 'DATE_OUT_OF_RANGE',
        field: 'debts[0].dueDate',
      });
      expect(rejection({ dueDate: TODAY.plusYears(50).plusDays(1) }, 'debts[0]')).toMatchObject({
        code: 'DATE_OUT_OF_RANGE',
        field: 'debts[0].dueDate',
      });
      expect(
        Debt.create(aDebtProps({ dueDate: TODAY.plusYears(50) }), 'debts', TODAY).props.dueDate.equals(
          TODAY.plusYears(50),
        ),
      ).toBe(true);
    });

    it('still loads a stored debt that predates the rules, so it can be read and corrected', () => {
      expect(
        Debt.create(aDebtProps({ amountCents: Number.MAX_SAFE_INTEGER, dueDate: aDay('0001-03-10') })).props.amount
          .cents,
      ).toBe(Number.MAX_SAFE_INTEGER);
    });
  });

  describe('isOverdue and daysOverdue, on the Brasília calendar', () => {
    const due = aDay('2025-03-10');
    const debt = aDebt({ status: 'OPEN', dueDate: due });

    it.each([
      ['21:00', '2025-03-10T00:00:00Z'],
      ['21:30', '2025-03-10T00:30:00Z'],
      ['23:59', '2025-03-10T02:59:59Z'],
    ])('is not overdue at %s BRT on the day before the due date, though UTC is already on it', (_l, instant) => {
      expect(debt.isOverdue(at(instant))).toBe(false);
      expect(debt.daysOverdue(at(instant))).toBe(0);
    });

    it.each([
      ['09:00', '2025-03-10T12:00:00Z'],
      ['21:30', '2025-03-11T00:30:00Z'],
      ['23:59:59', '2025-03-11T02:59:59Z'],
    ])('is not overdue at %s BRT on its due day: the debtor may pay until the day ends', (_l, instant) => {
      expect(debt.isOverdue(at(instant))).toBe(false);
    });

    it('falls overdue at 00:00 BRT the day after, one day overdue', () => {
      expect(debt.isOverdue(at('2025-03-11T03:00:00Z'))).toBe(true);
      expect(debt.daysOverdue(at('2025-03-11T03:00:00Z'))).toBe(1);
      expect(debt.daysOverdue(at('2025-03-21T02:59:59Z'))).toBe(10);
    });

    it('is overdue whatever status the creditor reported, unless paid', () => {
      expect(aDebt({ status: 'OPEN', dueDate: daysAgo(2) }).isOverdue(NOW)).toBe(true);
      expect(aDebt({ status: 'RENEGOTIATED', dueDate: daysAgo(2) }).isOverdue(NOW)).toBe(true);
      expect(aDebt({ status: 'OPEN', dueDate: daysAhead(3) }).daysOverdue(NOW)).toBe(0);
    });

    it('is never overdue once PAID, however old', () => {
      const paid = aDebt({ status: 'PAID', dueDate: daysAgo(900) });
      expect(paid.isSettled()).toBe(true);
      expect(paid.isOverdue(NOW)).toBe(false);
      expect(paid.daysOverdue(NOW)).toBe(0);
    });
  });

  describe('isReportable (CDC art. 43 §1: five years, counted from the day after the due date)', () => {
    const debt = aDebt({ dueDate: aDay('2025-03-10') });

    it('is reportable through the whole fifth anniversary of the due date, 23:59 BRT included', () => {
      expect(debt.isReportable(at('2030-03-11T02:59:59.999Z'))).toBe(true);
    });

    it('stops being reportable at 00:00 BRT of the fifth anniversary of its first overdue day', () => {
      expect(debt.reportableUntil().toISOString()).toBe('2030-03-11T03:00:00.000Z');
      expect(debt.isReportable(at('2030-03-11T03:00:00Z'))).toBe(false);
    });

    it('was reportable at 21:00 BRT on 10 March 2030, when UTC had already reached 11 March', () => {
      expect(debt.isReportable(at('2030-03-11T00:00:00Z'))).toBe(true);
    });

    it('counts five years from a first overdue day of 29 February to 1 March (CC art. 132 §3)', () => {
      const dueOn28Feb = aDebt({ dueDate: aDay('2024-02-28') });
      expect(dueOn28Feb.reportableUntil().toISOString()).toBe('2029-03-01T03:00:00.000Z');
      expect(dueOn28Feb.isReportable(at('2029-03-01T02:59:59Z'))).toBe(true);
      expect(dueOn28Feb.isReportable(at('2029-03-01T03:00:00Z'))).toBe(false);
    });

    it(
      'counts five years from a due date of 29 February: the first overdue day, 1 March, has an anniversary every' +
        ' year',
      () => {
        expect(
          aDebt({ dueDate: aDay('2024-02-29') })
            .reportableUntil()
            .toISOString(),
        ).toBe('2029-03-01T03:00:00.000Z');
      },
    );

    it('ends at local midnight on dates that had summer time', () => {
      expect(
        aDebt({ dueDate: aDay('2013-11-03') })
          .reportableUntil()
          .toISOString(),
      ).toBe('2018-11-04T03:00:00.000Z');
      expect(
        aDebt({ dueDate: aDay('2011-01-14') })
          .reportableUntil()
          .toISOString(),
      ).toBe('2016-01-15T02:00:00.000Z');
    });

    it('is reportable while it is not yet due', () => {
      expect(aDebt({ status: 'OPEN', dueDate: daysAhead(30) }).isReportable(NOW)).toBe(true);
    });

    it('is not reportable from 00:00 BRT of its limitation date, even when recent', () => {
      const debt = aDebt({ dueDate: daysAgo(400), limitationDate: aDay('2025-06-15') });
      expect(debt.reportableUntil().toISOString()).toBe('2025-06-15T03:00:00.000Z');
      expect(debt.isReportable(at('2025-06-15T02:59:59Z'))).toBe(true);
      expect(debt.isReportable(NOW)).toBe(false);
    });

    it('is reportable while its limitation date is ahead', () => {
      expect(aDebt({ dueDate: daysAgo(400), limitationDate: daysAhead(1) }).isReportable(NOW)).toBe(true);
    });

    it('keeps a paid debt reportable within five years: the limit is about age, not status', () => {
      expect(aDebt({ status: 'PAID', dueDate: daysAgo(100) }).isReportable(NOW)).toBe(true);
    });
  });
});
