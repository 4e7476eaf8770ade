import { Cpf } from '@app/shared-kernel';
import { NOW, TODAY, VALID_CPF, aConsumer, aDebt, anAddress, daysAgo, daysAhead, rejection } from '@app/testing';
import { Consumer } from './consumer.entity';

function createWithName(name: string): Consumer {
  return Consumer.create({ cpf: Cpf.parse(VALID_CPF), name, address: anAddress(), debts: [], updatedAt: NOW });
}

describe('Consumer', () => {
  describe('name', () => {
    it('trims and collapses inner whitespace', () => {
      expect(createWithName('  Maria   da\tSilva \n Santos ').name).toBe('Maria da Silva Santos');
    });

    it('rejects a name shorter than two characters after trimming', () => {
      expect(rejection(() => createWithName('  A  '))).toMatchObject({ code: 'NAME_INVALID', field: 'name' });
    });

    it('accepts 160 characters and rejects 161', () => {
      expect(createWithName('a'.repeat(160)).name).toHaveLength(160);
      expect(rejection(() => createWithName('a'.repeat(161))).code).toBe('NAME_INVALID');
    });

    it('rejects a name that is not text', () => {
      expect(rejection(() => createWithName(42 as unknown as string)).code).toBe('NAME_INVALID');
    });
  });

  describe('debts', () => {
    it('rejects two debts with the same id with DEBT_DUPLICATED', () => {
      const error = rejection(() =>
        aConsumer({ debts: [aDebt({ id: 'd-1' }), aDebt({ id: 'd-2' }), aDebt({ id: 'd-1' })] }),
      );
      expect(error).toMatchObject({ code: 'DEBT_DUPLICATED', field: 'debts.id' });
      expect(error.message).toContain('d-1');
    });

    it('keeps its own copy of the debt list', () => {
      const debts = [aDebt({ id: 'd-1' })];
      const consumer = aConsumer({ debts });
      debts.push(aDebt({ id: 'd-2' }));
      expect(consumer.debts.map((d) => d.id)).toEqual(['d-1']);
    });
  });

  describe('what a report may show (CDC art. 43)', () => {
    const consumer = aConsumer({
      debts: [
        aDebt({ id: 'recent-overdue', status: 'OVERDUE', amountCents: 1_000, dueDate: daysAgo(40) }),
        aDebt({ id: 'not-yet-due', status: 'OPEN', amountCents: 500, dueDate: daysAhead(20) }),
        aDebt({ id: 'paid', status: 'PAID', amountCents: 7_000, dueDate: daysAgo(200) }),
        aDebt({ id: 'ancient', status: 'OVERDUE', amountCents: 99_999, dueDate: TODAY.plusYears(-6) }),
        aDebt({
          id: 'just-over-five-years',
          status: 'OVERDUE',
          amountCents: 88_888,
          dueDate: TODAY.plusYears(-5).plusDays(-1),
        }),
        aDebt({
          id: 'prescribed',
          status: 'OVERDUE',
          amountCents: 77_777,
          dueDate: daysAgo(700),
          limitationDate: daysAgo(10),
        }),
      ],
    });

    it('lists only debts younger than five years and not past their limitation date', () => {
      expect(consumer.reportableDebts(NOW).map((d) => d.id)).toEqual(['recent-overdue', 'not-yet-due', 'paid']);
    });

    it('still holds every debt for the data subject', () => {
      expect(consumer.debts).toHaveLength(6);
    });

    it('summarises only reportable debts: old debts add neither amounts nor days overdue', () => {
      expect(consumer.debtSummary(NOW)).toEqual({
        reportableCount: 3,
        openCount: 2,
        overdueCount: 1,
        openAmountCents: 1_500,
        overdueAmountCents: 1_000,
        maxDaysOverdue: 40,
      });
    });

    it('summarises a consumer without debts as zeros', () => {
      expect(aConsumer().debtSummary(NOW)).toEqual({
        reportableCount: 0,
        openCount: 0,
        overdueCount: 0,
        openAmountCents: 0,
        overdueAmountCents: 0,
        maxDaysOverdue: 0,
      });
    });
  });
});
