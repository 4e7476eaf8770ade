import { CalendarDate, Cnpj, ConflictError, Cpf, Money, ValidationError } from '@app/shared-kernel';
import { Debt } from './debt.entity';
import { NoticePeriod } from './notice-period';

const DEBT_REPORT_OPERATIONS = ['REGISTER', 'UPDATE_AMOUNT', 'PAY', 'RENEGOTIATE', 'REMOVE'] as const;
type DebtReportOperation = (typeof DEBT_REPORT_OPERATIONS)[number];

const CONTRACT_ID = /^[A-Za-z0-9._-]{1,48}$/;

/** A creditor's report about one of its debts, as a partner sends it (after the schema check). */
export interface DebtReportInput {
  operation: string;
  cpf: string;
  creditorCnpj: string;
  contractId: string;
  creditor?: string;
  amountCents?: number;
  dueDate?: string;
  limitationDate?: string | null;
}

/** A report whose values are domain values: the CPF and CNPJ checked, the days parsed. */
export interface DebtReport {
  operation: DebtReportOperation;
  cpf: Cpf;
  creditorCnpj: string;
  contractId: string;
  /** The id the debt has in the consumer's record: the creditor's CNPJ and its contract id. */
  debtId: string;
  creditor?: string;
  amountCents?: number;
  dueDate?: CalendarDate;
  limitationDate?: CalendarDate | null;
}

/**
 * A debt reported through a creditor feed is named by the creditor's CNPJ and its own contract id (a colon apart: the
 * contract id has none), so a re-sent report finds the debt it names, and two creditors' contract ids never collide.
 */
export const reportedDebtId = (creditorCnpj: string, contractId: string): string => `${creditorCnpj}:${contractId}`;

/** `field` is where the report sits in its batch (reports[3]): every error names a field under it. */
export function parseDebtReport(input: DebtReportInput, field: string): DebtReport {
  if (!DEBT_REPORT_OPERATIONS.includes(input.operation as DebtReportOperation)) {
    const reason = `must be one of ${DEBT_REPORT_OPERATIONS.join(', ')}`;
    throw new ValidationError('DEBT_REPORT_INVALID', `${field}.operation`, reason);
  }
  const cpf = Cpf.parse(input.cpf, `${field}.cpf`);
  const creditorCnpj = Cnpj.parse(input.creditorCnpj, `${field}.creditorCnpj`).value;
  if (typeof input.contractId !== 'string' || !CONTRACT_ID.test(input.contractId)) {
    throw new ValidationError('DEBT_REPORT_INVALID', `${field}.contractId`, 'must be 1-48 letters, digits or ._-');
  }
  const day = (name: 'dueDate' | 'limitationDate') => {
    const raw = input[name];
    return raw === undefined || raw === null ? undefined : CalendarDate.parse(raw, `${field}.${name}`);
  };
  return {
    operation: input.operation as DebtReportOperation,
    cpf,
    creditorCnpj,
    contractId: input.contractId,
    debtId: reportedDebtId(creditorCnpj, input.contractId),
    creditor: input.creditor,
    amountCents: input.amountCents,
    dueDate: day('dueDate'),
    limitationDate: day('limitationDate') ?? null,
  };
}

type DebtReportOutcome = 'REGISTERED' | 'CHANGED' | 'UNCHANGED' | 'REMOVED';

export interface AppliedDebtReport {
  outcome: DebtReportOutcome;
  /** The debt after the report; null when it is not (or no longer) held. */
  debt: Debt | null;
  /**
   * The consumer must be sent a notice of this debt: it was registered now, or a registration re-sent while the debt
   * is still in its notice period (the first sending may have been lost with a process that died before it).
   */
  notice: boolean;
}

interface ReportContext {
  now: Date;
  /** The verified sender: only it may change what it registered. */
  source: string;
  noticePeriod: NoticePeriod;
  field: string;
}

/**
 * What one report does to the debt it names, held now as `current` (null when not held). Pure: the caller reads the
 * debts of a batch, applies its reports in order and writes what changed. Throws a DomainError (code, field, reason)
 * for a report that cannot be applied; nothing of it is then written.
 */
export function applyDebtReport(current: Debt | null, report: DebtReport, ctx: ReportContext): AppliedDebtReport {
  if (current && current.props.reportedBy !== ctx.source) {
    throw new ConflictError(
      'DEBT_REPORTED_BY_ANOTHER_SOURCE',
      `${ctx.field}.contractId`,
      'this consumer holds a debt of this creditor and contract that another source registered; only it may change it',
    );
  }
  const today = CalendarDate.today(ctx.now);
  switch (report.operation) {
    case 'REGISTER':
      return register(current, report, ctx, today);
    case 'REMOVE':
      return { outcome: current ? 'REMOVED' : 'UNCHANGED', debt: null, notice: false };
    default: {
      const held = requireHeld(current, ctx.field);
      const next = changed(held, report, ctx.field, today);
      const same =
        next.props.amount.cents === held.props.amount.cents &&
        next.props.status === held.props.status &&
        next.props.dueDate.equals(held.props.dueDate);
      return { outcome: same ? 'UNCHANGED' : 'CHANGED', debt: same ? held : next, notice: false };
    }
  }
}

function register(
  current: Debt | null,
  report: DebtReport,
  ctx: ReportContext,
  today: CalendarDate,
): AppliedDebtReport {
  const dueDate = report.dueDate!;
  const debt = Debt.create(
    {
      id: report.debtId,
      creditor: report.creditor ?? '',
      creditorCnpj: report.creditorCnpj,
      amountCents: report.amountCents!,
      dueDate,
      status: today.isAfter(dueDate) ? 'OVERDUE' : 'OPEN',
      limitationDate: report.limitationDate ?? null,
      reportableFrom: current?.props.reportableFrom ?? ctx.noticePeriod.endsAt(ctx.now),
      reportedBy: ctx.source,
    },
    ctx.field,
    today,
  );
  if (!current) return { outcome: 'REGISTERED', debt, notice: true };
  const c = current.props;
  const d = debt.props;
  const same =
    c.creditor === d.creditor &&
    c.amount.cents === d.amount.cents &&
    c.dueDate.equals(d.dueDate) &&
    (c.limitationDate?.toString() ?? null) === (d.limitationDate?.toString() ?? null);
  if (!same) {
    throw new ConflictError(
      'DEBT_ALREADY_REGISTERED',
      `${ctx.field}.contractId`,
      'this contract is registered for this consumer with other terms; report UPDATE_AMOUNT, RENEGOTIATE or PAY',
    );
  }
  return { outcome: 'UNCHANGED', debt: current, notice: !current.isSettled() && current.isPendingNotice(ctx.now) };
}

function requireHeld(current: Debt | null, field: string): Debt {
  if (!current) {
    const reason = 'no debt of this creditor and contract is held for this CPF';
    throw new ConflictError('DEBT_NOT_FOUND', `${field}.contractId`, reason);
  }
  return current;
}

function changed(held: Debt, report: DebtReport, field: string, today: CalendarDate): Debt {
  if (report.operation === 'PAY') return held.isSettled() ? held : held.with({ status: 'PAID' }, field, today);
  if (held.isSettled()) {
    throw new ConflictError('DEBT_SETTLED', `${field}.operation`, 'the debt is paid: there is nothing left to change');
  }
  const amount = Money.nonNegative(report.amountCents!, `${field}.amountCents`);
  if (report.operation === 'UPDATE_AMOUNT') return held.with({ amount }, field, today);
  return held.with({ amount, dueDate: report.dueDate!, status: 'RENEGOTIATED' }, field, today);
}
