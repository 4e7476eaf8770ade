import { TransactionEvent, TransactionEventInput, parseTransactionEvent } from '@app/credit-domain';
import { VALID_CPF } from './cpf.mother';
import { NOW, daysBefore } from './dates.mother';

const at = (daysAgo: number, now: Date = NOW): string => daysBefore(now, daysAgo).toISOString();

export function anInquiryInput(overrides: TransactionEventInput = {}): TransactionEventInput {
  return {
    eventId: 'inq-1',
    cpf: VALID_CPF,
    type: 'BUREAU_INQUIRY',
    occurredAt: at(3),
    inquirer: 'Banco Horizonte S.A.',
    purpose: 'CREDIT_GRANTING',
    ...overrides,
  };
}

export function aMovementInput(overrides: TransactionEventInput = {}): TransactionEventInput {
  return {
    eventId: 'mov-1',
    cpf: VALID_CPF,
    type: 'FINANCIAL_MOVEMENT',
    occurredAt: at(5),
    kind: 'SALARY',
    amountCents: 600_000,
    ...overrides,
  };
}

export function aCardPurchaseInput(overrides: TransactionEventInput = {}): TransactionEventInput {
  return {
    eventId: 'card-1',
    cpf: VALID_CPF,
    type: 'CARD_PURCHASE',
    occurredAt: at(2),
    merchant: 'Supermercado Bom Preço',
    mcc: '5411',
    amountCents: 15_990,
    installments: 1,
    approved: true,
    cardLast4: '4242',
    ...overrides,
  };
}

/** Wire input to domain event through the real parser, so a test event is always one the API would accept. */
export function anEvent(input: TransactionEventInput, now: Date = NOW): TransactionEvent {
  return parseTransactionEvent(input, now);
}

/** An ISO timestamp `days` (fractional allowed) before `now`. */
export const occurredDaysAgo = at;
