import { ConflictError, ValidationError } from '@app/shared-kernel';
import { NOW, VALID_CNPJ, VALID_CPF, daysAfter } from '@app/testing';
import { Debt } from './debt.entity';
import { DebtReportInput, applyDebtReport, parseDebtReport, reportedDebtId } from './debt-report';
import { NoticePeriod } from './notice-period';

const period = new NoticePeriod(10);
const ctx = (source = 'amqp:acme', now = NOW) => ({ now, source, noticePeriod: period, field: 'reports[0]' });
const report = (overrides: Partial<DebtReportInput> = {}) =>
  parseDebtReport(
    {
      operation: 'REGISTER',
      cpf: VALID_CPF,
      creditorCnpj: '11.222.333/0001-81',
      contractId: 'CTR-1',
      creditor: 'Acme Financeira S.A.',
      amountCents: 125_000,
      dueDate: '2025-05-10',
      ...overrides,
    },
    'reports[0]',
  );
const registered = (): Debt => applyDebtReport(null, report(), ctx()).debt!;
const rejected = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError)
      return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected the report to be refused');
};

describe('Debt reports from a creditor feed', () => {
  describe('parseDebtReport', () => {
    it("names the debt by the creditor's CNPJ (plain, upper case) and its contract id", () => {
      const r = report({ creditorCnpj: '12.abc.345/01de-35' });
      expect(r.debtId).toBe(reportedDebtId('12ABC34501DE35', 'CTR-1'));
      expect(r.debtId).toBe('12ABC34501DE35:CTR-1');
    });

    it('refuses a CPF or CNPJ with wrong check digits, naming the field inside the batch', () => {
      expect(rejected(() => report({ cpf: '12345678900' }))).toEqual({ code: 'CPF_INVALID', field: 'reports[0].cpf' });
      expect(rejected(() => report({ creditorCnpj: '11222333000180' }))).toEqual({
        code: 'CNPJ_INVALID',
        field: 'reports[0].creditorCnpj',
      });
      expect(rejected(() => report({ dueDate: '2025-02-30' }))).toMatchObject({ field: 'reports[0].dueDate' });
    });
  });

  describe('REGISTER', () => {
    it('holds a new debt, overdue by its date, pending until the notice period has run, and asks for a notice', () => {
      const applied = applyDebtReport(null, report(), ctx());
      expect(applied).toMatchObject({ outcome: 'REGISTERED', notice: true });
      expect(applied.debt!.props).toMatchObject({
        status: 'OVERDUE',
        reportedBy: 'amqp:acme',
        reportableFrom: period.endsAt(NOW),
      });
      expect(applied.debt!.isReportable(NOW)).toBe(false);
    });

    it('changes nothing when re-sent, and asks again for the notice while the debt is still pending', () => {
      const again = applyDebtReport(registered(), report(), ctx('amqp:acme', daysAfter(NOW, 2)));
      expect(again).toMatchObject({ outcome: 'UNCHANGED', notice: true });
      expect(again.debt!.props.reportableFrom).toEqual(period.endsAt(NOW));
      expect(applyDebtReport(registered(), report(), ctx('amqp:acme', daysAfter(NOW, 20))).notice).toBe(false);
    });

    it('refuses other terms for a contract already registered: the creditor reports the change instead', () => {
      expect(rejected(() => applyDebtReport(registered(), report({ amountCents: 1 }), ctx()))).toEqual({
        code: 'DEBT_ALREADY_REGISTERED',
        field: 'reports[0].contractId',
      });
    });

    it('checks plausibility as new input does: an amount over R$ 100 million is refused', () => {
      expect(rejected(() => applyDebtReport(null, report({ amountCents: 10_000_000_001 }), ctx()))).toMatchObject({
        field: 'reports[0].amountCents',
      });
    });
  });

  describe('changes to a registered debt', () => {
    it('updates the amount, pays and renegotiates, keeping its notice state and source', () => {
      const updated = applyDebtReport(registered(), report({ operation: 'UPDATE_AMOUNT', amountCents: 99_000 }), ctx());
      expect(updated.outcome).toBe('CHANGED');
      expect(updated.debt!.props.amount.cents).toBe(99_000);
      const renegotiated = applyDebtReport(
        updated.debt,
        report({ operation: 'RENEGOTIATE', amountCents: 60_000, dueDate: '2025-09-10' }),
        ctx(),
      );
      expect(renegotiated.debt!.props).toMatchObject({
        status: 'RENEGOTIATED',
        reportedBy: 'amqp:acme',
        reportableFrom: period.endsAt(NOW),
      });
      expect(renegotiated.debt!.isOverdue(NOW)).toBe(false);
      const paid = applyDebtReport(renegotiated.debt, report({ operation: 'PAY' }), ctx());
      expect(paid.debt!.isSettled()).toBe(true);
      expect(applyDebtReport(paid.debt, report({ operation: 'PAY' }), ctx()).outcome).toBe('UNCHANGED');
    });

    it('refuses to change a paid debt, or one that is not held', () => {
      const paid = applyDebtReport(registered(), report({ operation: 'PAY' }), ctx()).debt;
      expect(
        rejected(() => applyDebtReport(paid, report({ operation: 'UPDATE_AMOUNT', amountCents: 5 }), ctx())),
      ).toEqual({ code: 'DEBT_SETTLED', field: 'reports[0].operation' });
      expect(rejected(() => applyDebtReport(null, report({ operation: 'PAY' }), ctx()))).toEqual({
        code: 'DEBT_NOT_FOUND',
        field: 'reports[0].contractId',
      });
    });

    it('removes the debt, and removing one that is not held changes nothing (a re-sent removal)', () => {
      expect(applyDebtReport(registered(), report({ operation: 'REMOVE' }), ctx())).toEqual({
        outcome: 'REMOVED',
        debt: null,
        notice: false,
      });
      expect(applyDebtReport(null, report({ operation: 'REMOVE' }), ctx())).toEqual({
        outcome: 'UNCHANGED',
        debt: null,
        notice: false,
      });
    });

    it('lets no other source change or remove it, nor touch a debt held without a source (PUT)', () => {
      for (const operation of ['REGISTER', 'PAY', 'REMOVE']) {
        expect(rejected(() => applyDebtReport(registered(), report({ operation }), ctx('amqp:other-bank')))).toEqual({
          code: 'DEBT_REPORTED_BY_ANOTHER_SOURCE',
          field: 'reports[0].contractId',
        });
      }
      const fromPut = Debt.create({ ...registered().props, amountCents: 125_000, reportedBy: null });
      expect(rejected(() => applyDebtReport(fromPut, report({ operation: 'PAY' }), ctx()))).toMatchObject({
        code: 'DEBT_REPORTED_BY_ANOTHER_SOURCE',
      });
    });
  });

  it('takes the creditor CNPJ in either format as the same debt', () => {
    expect(report({ creditorCnpj: VALID_CNPJ }).debtId).toBe(report().debtId);
  });
});
