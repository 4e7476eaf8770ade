import { DAY_MS, ValidationError, addYears } from '@app/shared-kernel';
import { NOW, aDebt, aDebtProps, daysAfter, daysBefore } from '@app/testing';
import { Debt } from './debt.entity';

function rejection(overrides: Parameters<typeof aDebtProps>[0], field?: string): ValidationError {
  try {
    Debt.create(aDebtProps(overrides), field);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the debt to be rejected');
}

describe('Debt', () => {
  describe('creation', () => {
    it('keeps a valid debt with the CNPJ as digits and the creditor trimmed', () => {
      const debt = Debt.create(aDebtProps({ creditor: '  Financeira Aurora ', creditorCnpj: '11.222.333/0001-81' }));
      expect(debt.props).toMatchObject({ id: 'debt-1', creditor: 'Financeira Aurora', creditorCnpj: '11222333000181', status: 'OVERDUE', limitationDate: null });
      expect(debt.props.amount.cents).toBe(125_000);
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
      ['a limitation date before the due date', { limitationDate: daysBefore(NOW, 41) }, 'debts[0].limitationDate', 'DEBT_INVALID'],
    ])('rejects %s, naming the field', (_label, overrides, field, code) => {
      expect(rejection(overrides, 'debts[0]')).toMatchObject({ code, field });
    });

    it('accepts each of the four statuses', () => {
      for (const status of ['OPEN', 'OVERDUE', 'RENEGOTIATED', 'PAID']) expect(aDebt({ status }).props.status).toBe(status);
    });
  });

  describe('isOverdue and daysOverdue', () => {
    it('is overdue once unpaid past its due date, counting whole days', () => {
      const debt = aDebt({ dueDate: new Date(NOW.getTime() - 10 * DAY_MS - 5 * 3_600_000) });
      expect(debt.isOverdue(NOW)).toBe(true);
      expect(debt.daysOverdue(NOW)).toBe(10);
    });

    it('is not overdue before or at the due instant', () => {
      expect(aDebt({ status: 'OPEN', dueDate: daysAfter(NOW, 3) }).isOverdue(NOW)).toBe(false);
      expect(aDebt({ status: 'OPEN', dueDate: new Date(NOW.getTime()) }).isOverdue(NOW)).toBe(false);
      expect(aDebt({ status: 'OPEN', dueDate: daysAfter(NOW, 3) }).daysOverdue(NOW)).toBe(0);
    });

    it('is overdue whatever status the creditor reported, unless paid', () => {
      expect(aDebt({ status: 'OPEN', dueDate: daysBefore(NOW, 2) }).isOverdue(NOW)).toBe(true);
      expect(aDebt({ status: 'RENEGOTIATED', dueDate: daysBefore(NOW, 2) }).isOverdue(NOW)).toBe(true);
    });

    it('is never overdue once PAID, however old', () => {
      const paid = aDebt({ status: 'PAID', dueDate: daysBefore(NOW, 900) });
      expect(paid.isSettled()).toBe(true);
      expect(paid.isOverdue(NOW)).toBe(false);
      expect(paid.daysOverdue(NOW)).toBe(0);
    });
  });

  describe('isReportable (CDC art. 43)', () => {
    it('is not reportable when it fell due exactly five years ago', () => {
      expect(aDebt({ dueDate: addYears(NOW, -5) }).isReportable(NOW)).toBe(false);
    });

    it('is reportable when it fell due four years and 364 days ago', () => {
      const dueDate = new Date(addYears(NOW, -5).getTime() + DAY_MS);
      expect(dueDate.toISOString()).toBe('2020-06-16T12:00:00.000Z');
      expect(aDebt({ dueDate }).isReportable(NOW)).toBe(true);
    });

    it('stops being reportable the very instant five years have passed', () => {
      const debt = aDebt({ dueDate: addYears(NOW, -5) });
      expect(debt.isReportable(new Date(NOW.getTime() - 1))).toBe(true);
      expect(debt.isReportable(NOW)).toBe(false);
    });

    it('is not reportable when older than five years', () => {
      expect(aDebt({ dueDate: addYears(NOW, -6) }).isReportable(NOW)).toBe(false);
    });

    it('is reportable while it is not yet due', () => {
      expect(aDebt({ status: 'OPEN', dueDate: daysAfter(NOW, 30) }).isReportable(NOW)).toBe(true);
    });

    it('is not reportable once its limitation date has passed, even when recent', () => {
      const debt = aDebt({ dueDate: daysBefore(NOW, 400), limitationDate: daysBefore(NOW, 1) });
      expect(debt.isReportable(NOW)).toBe(false);
    });

    it('is not reportable on its limitation date itself', () => {
      expect(aDebt({ dueDate: daysBefore(NOW, 400), limitationDate: new Date(NOW.getTime()) }).isReportable(NOW)).toBe(false);
    });

    it('is reportable while its limitation date is ahead', () => {
      expect(aDebt({ dueDate: daysBefore(NOW, 400), limitationDate: daysAfter(NOW, 1) }).isReportable(NOW)).toBe(true);
    });

    it('keeps a paid debt reportable within five years: the limit is about age, not status', () => {
      expect(aDebt({ status: 'PAID', dueDate: daysBefore(NOW, 100) }).isReportable(NOW)).toBe(true);
    });
  });
});
