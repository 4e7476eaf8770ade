import { Cpf, Money, ValidationError, parseIsoDate } from '@app/shared-kernel';

export const EVENT_TYPES = ['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT', 'CARD_PURCHASE'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const MOVEMENT_KINDS = [
  'SALARY', 'TRANSFER_IN', 'TRANSFER_OUT', 'BILL_PAYMENT', 'LOAN_DISBURSEMENT', 'LOAN_PAYMENT', 'WITHDRAWAL', 'DEPOSIT', 'OTHER',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

interface EventBase {
  eventId: string;
  cpf: Cpf;
  occurredAt: Date;
}
export interface BureauInquiry extends EventBase {
  type: 'BUREAU_INQUIRY';
  inquirer: string;
  purpose: string;
}
export interface FinancialMovement extends EventBase {
  type: 'FINANCIAL_MOVEMENT';
  kind: MovementKind;
  /** Signed: money in is positive, money out negative. */
  amount: Money;
}
export interface CardPurchase extends EventBase {
  type: 'CARD_PURCHASE';
  merchant: string;
  mcc: string;
  amount: Money;
  installments: number;
  approved: boolean;
  cardLast4: string;
}
export type TransactionEvent = BureauInquiry | FinancialMovement | CardPurchase;

/** The wire shape of an event, as REST clients and partners send it. */
export interface TransactionEventInput {
  eventId?: unknown;
  cpf?: unknown;
  type?: unknown;
  occurredAt?: unknown;
  inquirer?: unknown;
  purpose?: unknown;
  kind?: unknown;
  amountCents?: unknown;
  merchant?: unknown;
  mcc?: unknown;
  installments?: unknown;
  approved?: unknown;
  cardLast4?: unknown;
}

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FOUR_DIGITS = /^\d{4}$/;
/** Events more than a day in the future are clock errors at the source, not transactions. */
const FUTURE_TOLERANCE_MS = 86_400_000;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || [...value].length > max) {
    throw new ValidationError('EVENT_INVALID', field, `must be non-empty text of at most ${max} characters`);
  }
  return value.trim();
}

/**
 * Turns one wire event into a domain event, or says precisely which field is wrong and why.
 * Runs for every ingested event, so each type is built as one literal rather than by spreading a shared base
 * (spreading was a measurable share of the ingestion worker's CPU and garbage).
 */
export function parseTransactionEvent(input: TransactionEventInput, now: Date, field = 'event'): TransactionEvent {
  if (typeof input !== 'object' || input === null) throw new ValidationError('EVENT_INVALID', field, 'must be an object');
  const eventId = input.eventId;
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) {
    throw new ValidationError('EVENT_INVALID', `${field}.eventId`, 'must be 1-128 letters, digits or ._:-');
  }
  const cpf = Cpf.parse(input.cpf, `${field}.cpf`);
  const occurredAt = parseIsoDate(input.occurredAt, `${field}.occurredAt`);
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new ValidationError('EVENT_INVALID', `${field}.occurredAt`, 'must not be in the future');
  }
  switch (input.type) {
    case 'BUREAU_INQUIRY':
      return {
        eventId, cpf, occurredAt, type: 'BUREAU_INQUIRY', inquirer: text(input.inquirer, `${field}.inquirer`, 160), purpose: text(input.purpose, `${field}.purpose`, 64),
      };
    case 'FINANCIAL_MOVEMENT': {
      if (!MOVEMENT_KINDS.includes(input.kind as MovementKind)) {
        throw new ValidationError('EVENT_INVALID', `${field}.kind`, `must be one of ${MOVEMENT_KINDS.join(', ')}`);
      }
      const amount = Money.ofCents(input.amountCents as number, `${field}.amountCents`);
      if (amount.cents === 0) throw new ValidationError('EVENT_INVALID', `${field}.amountCents`, 'must not be zero');
      return { eventId, cpf, occurredAt, type: 'FINANCIAL_MOVEMENT', kind: input.kind as MovementKind, amount };
    }
    case 'CARD_PURCHASE': {
      const amount = Money.nonNegative(input.amountCents as number, `${field}.amountCents`);
      if (!amount.isPositive()) throw new ValidationError('EVENT_INVALID', `${field}.amountCents`, 'must be greater than zero');
      if (typeof input.mcc !== 'string' || !FOUR_DIGITS.test(input.mcc)) {
        throw new ValidationError('EVENT_INVALID', `${field}.mcc`, 'must be a 4-digit merchant category code');
      }
      const installments = input.installments ?? 1;
      if (!Number.isInteger(installments) || (installments as number) < 1 || (installments as number) > 48) {
        throw new ValidationError('EVENT_INVALID', `${field}.installments`, 'must be an integer from 1 to 48');
      }
      if (typeof input.approved !== 'boolean') throw new ValidationError('EVENT_INVALID', `${field}.approved`, 'must be true or false');
      if (typeof input.cardLast4 !== 'string' || !FOUR_DIGITS.test(input.cardLast4)) {
        throw new ValidationError('EVENT_INVALID', `${field}.cardLast4`, 'must be the last 4 digits of the card');
      }
      return {
        eventId, cpf, occurredAt, type: 'CARD_PURCHASE', merchant: text(input.merchant, `${field}.merchant`, 160), mcc: input.mcc,
        amount, installments: installments as number, approved: input.approved, cardLast4: input.cardLast4,
      };
    }
    default:
      throw new ValidationError('EVENT_INVALID', `${field}.type`, `must be one of ${EVENT_TYPES.join(', ')}`);
  }
}

/** The stored/served shape: plain JSON, amounts in cents, times in ISO-8601 UTC. */
export function eventToJson(e: TransactionEvent): Record<string, unknown> {
  const base = { eventId: e.eventId, cpf: e.cpf.value, type: e.type, occurredAt: e.occurredAt.toISOString() };
  switch (e.type) {
    case 'BUREAU_INQUIRY':
      return { ...base, inquirer: e.inquirer, purpose: e.purpose };
    case 'FINANCIAL_MOVEMENT':
      return { ...base, kind: e.kind, amountCents: e.amount.cents };
    case 'CARD_PURCHASE':
      return { ...base, merchant: e.merchant, mcc: e.mcc, amountCents: e.amount.cents, installments: e.installments, approved: e.approved, cardLast4: e.cardLast4 };
  }
}
