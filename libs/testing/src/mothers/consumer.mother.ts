import { Cpf } from '@app/shared-kernel';
import { Consumer, Debt } from '@app/credit-domain';
import { DebtInput, UpsertConsumerInput } from '@app/credit-application';
import { anAddress, anAddressInput } from './address.mother';
import { VALID_CPF } from './cpf.mother';
import { NOW, daysAgo, daysBefore, isoDay } from './dates.mother';

/** A valid creditor CNPJ (11.222.333/0001-81). */
export const VALID_CNPJ = '11222333000181';
const VALID_CNPJ_FORMATTED = '11.222.333/0001-81';

type DebtCreateInput = Parameters<typeof Debt.create>[0];

export function aDebtProps(overrides: Partial<DebtCreateInput> = {}): DebtCreateInput {
  return {
    id: 'debt-1',
    creditor: 'Banco Horizonte S.A.',
    creditorCnpj: VALID_CNPJ,
    amountCents: 125_000,
    dueDate: daysAgo(40),
    status: 'OVERDUE',
    limitationDate: null,
    ...overrides,
  };
}

export function aDebt(overrides: Partial<DebtCreateInput> = {}): Debt {
  return Debt.create(aDebtProps(overrides));
}

export function aConsumer(overrides: { cpf?: string; name?: string; debts?: Debt[]; updatedAt?: Date } = {}): Consumer {
  return Consumer.create({
    cpf: Cpf.parse(overrides.cpf ?? VALID_CPF),
    name: overrides.name ?? 'Maria da Silva Santos',
    address: anAddress(),
    debts: overrides.debts ?? [],
    updatedAt: overrides.updatedAt ?? NOW,
  });
}

/** The wire shape of a debt, as PUT /consumers sends it. */
export function aDebtInput(overrides: Partial<DebtInput> = {}): DebtInput {
  return {
    id: 'debt-1',
    creditor: 'Banco Horizonte S.A.',
    creditorCnpj: VALID_CNPJ_FORMATTED,
    amountCents: 125_000,
    dueDate: isoDay(daysBefore(NOW, 40)),
    status: 'OVERDUE',
    limitationDate: null,
    ...overrides,
  };
}

export function aConsumerInput(overrides: Partial<UpsertConsumerInput> = {}): UpsertConsumerInput {
  return { cpf: VALID_CPF, name: 'Maria da Silva Santos', address: anAddressInput(), debts: [], ...overrides };
}
