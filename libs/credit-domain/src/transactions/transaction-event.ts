import { CalendarDate, Cpf, Money, ValidationError, parseTimestamp } from '@app/shared-kernel';
import { boundedAmount } from '../plausibility';

export const EVENT_TYPES = ['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT', 'CARD_PURCHASE'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const MOVEMENT_KINDS = [
  'SALARY',
  'TRANSFER_IN',
  'TRANSFER_OUT',
  'BILL_PAYMENT',
  'LOAN_DISBURSEMENT',
  'LOAN_PAYMENT',
  'WITHDRAWAL',
  'DEPOSIT',
  'OTHER',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/**
 * The source of what the bureau records itself (the inquiries of its own analyses, demo data); partners' sources are
 * `api:<client>` and `amqp:<broker user>`, so none can take this name.
 */
export const BUREAU_SOURCE = 'bureau';

interface EventBase {
  eventId: string;
  cpf: Cpf;
  occurredAt: Date;
  /**
   * Who reported the event, as the bureau verified it: `api:<API client>`, `amqp:<broker user>`, or `bureau` for the
   * inquiries its own analyses record. Event ids are unique per source, so two sources may use the same id. null on
   * events stored before sources were kept.
   */
  source: string | null;
}

export interface BureauInquiry extends EventBase {
  type: 'BUREAU_INQUIRY';
  inquirer: string;
  purpose: string;
}

interface FinancialMovement extends EventBase {
  type: 'FINANCIAL_MOVEMENT';
  kind: MovementKind;
  /** Signed: money in is positive, money out negative (see MOVEMENT_SIGNS). */
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

/**
 * Which way money moves for each kind of movement: a salary is never money out, a withdrawal never money in. A
 * contradiction is a mistake at the source (or a unit error) that would turn inflows into outflows in every summary.
 */
const MOVEMENT_SIGNS: Record<MovementKind, 'IN' | 'OUT' | 'EITHER'> = {
  SALARY: 'IN',
  TRANSFER_IN: 'IN',
  TRANSFER_OUT: 'OUT',
  BILL_PAYMENT: 'OUT',
  LOAN_DISBURSEMENT: 'IN',
  LOAN_PAYMENT: 'OUT',
  WITHDRAWAL: 'OUT',
  DEPOSIT: 'IN',
  OTHER: 'EITHER',
};

/** The fields each type of event has; anything else (a `currency`, a typo) is refused rather than silently dropped. */
const FIELDS: Record<EventType, ReadonlySet<string>> = {
  BUREAU_INQUIRY: new Set(['eventId', 'cpf', 'type', 'occurredAt', 'inquirer', 'purpose']),
  FINANCIAL_MOVEMENT: new Set(['eventId', 'cpf', 'type', 'occurredAt', 'kind', 'amountCents']),
  CARD_PURCHASE: new Set([
    'eventId',
    'cpf',
    'type',
    'occurredAt',
    'merchant',
    'mcc',
    'amountCents',
    'installments',
    'approved',
    'cardLast4',
  ]),
};

const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const FOUR_DIGITS = /^\d{4}$/;
/**
 * ISO 18245 assigns merchant category codes from 0742 (veterinary services) to 9999; 0000 and the like are not codes.
 */
const MCC_RANGE = { min: 742, max: 9999 } as const;
/** Events more than a day in the future are clock errors at the source, not transactions. */
const FUTURE_TOLERANCE_MS = 86_400_000;
/** A credit history holds at most 15 years (Lei 12.414 art. 14); an event older than that has no place in the trail. */
const EVENT_MAX_AGE_YEARS = 15;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || [...value].length > max) {
    throw new ValidationError('EVENT_INVALID', field, `must be non-empty text of at most ${max} characters`);
  }
  return value.trim();
}

let oldest = { at: Number.NaN, bound: 0 };

/** 00:00 in Brasília fifteen years before today; worked out once a minute, since every ingested event asks. */
function oldestAllowed(now: Date): number {
  const t = now.getTime();
  if (!(Math.abs(t - oldest.at) < 60_000)) {
    oldest = { at: t, bound: CalendarDate.today(now).plusYears(-EVENT_MAX_AGE_YEARS).startsAt().getTime() };
  }
  return oldest.bound;
}

function knownFieldsOnly(input: TransactionEventInput, type: EventType, field: string): void {
  const allowed = FIELDS[type];
  for (const key in input) {
    if (!allowed.has(key)) {
      throw new ValidationError('EVENT_INVALID', `${field}.${key}`, `is not a field of a ${type} event`);
    }
  }
}

/**
 * Turns one wire event into a domain event, or says precisely which field is wrong and why. `source` is who
 * reported it, as the caller verified it (never read from the event itself).
 * Runs for every ingested event, so each type is built as one literal rather than by spreading a shared base
 * (spreading was a measurable share of the ingestion worker's CPU and garbage).
 */
export function parseTransactionEvent(
  input: TransactionEventInput,
  now: Date,
  field = 'event',
  source: string | null = null,
): TransactionEvent {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError('EVENT_INVALID', field, 'must be an object');
  const eventId = input.eventId;
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) {
    throw new ValidationError('EVENT_INVALID', `${field}.eventId`, 'must be 1-128 letters, digits or ._:-');
  }
  if (!EVENT_TYPES.includes(input.type as EventType)) {
    throw new ValidationError('EVENT_INVALID', `${field}.type`, `must be one of ${EVENT_TYPES.join(', ')}`);
  }
  knownFieldsOnly(input, input.type as EventType, field);
  const cpf = Cpf.parse(input.cpf, `${field}.cpf`);
  const occurredAt = parseTimestamp(input.occurredAt, `${field}.occurredAt`);
  if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new ValidationError('EVENT_INVALID', `${field}.occurredAt`, 'must not be in the future');
  }
  if (occurredAt.getTime() < oldestAllowed(now)) {
    throw new ValidationError(
      'DATE_OUT_OF_RANGE',
      `${field}.occurredAt`,
      `must not be more than ${EVENT_MAX_AGE_YEARS} years old`,
    );
  }
  switch (input.type as EventType) {
    case 'BUREAU_INQUIRY':
      return {
        eventId,
        cpf,
        occurredAt,
        source,
        type: 'BUREAU_INQUIRY',
        inquirer: text(input.inquirer, `${field}.inquirer`, 160),
        purpose: text(input.purpose, `${field}.purpose`, 64),
      };
    case 'FINANCIAL_MOVEMENT': {
      if (!MOVEMENT_KINDS.includes(input.kind as MovementKind)) {
        throw new ValidationError('EVENT_INVALID', `${field}.kind`, `must be one of ${MOVEMENT_KINDS.join(', ')}`);
      }
      const kind = input.kind as MovementKind;
      const amount = Money.ofCents(input.amountCents as number, `${field}.amountCents`);
      if (amount.cents === 0) throw new ValidationError('EVENT_INVALID', `${field}.amountCents`, 'must not be zero');
      boundedAmount(amount.cents, 'movement', `${field}.amountCents`, { signed: true });
      const sign = MOVEMENT_SIGNS[kind];
      if ((sign === 'IN' && amount.cents < 0) || (sign === 'OUT' && amount.cents > 0)) {
        throw new ValidationError(
          'EVENT_INVALID',
          `${field}.amountCents`,
          sign === 'IN' ? `must be positive: a ${kind} brings money in` : `must be negative: a ${kind} takes money out`,
        );
      }
      return { eventId, cpf, occurredAt, source, type: 'FINANCIAL_MOVEMENT', kind, amount };
    }
    case 'CARD_PURCHASE': {
      const amount = Money.nonNegative(input.amountCents as number, `${field}.amountCents`);
      if (!amount.isPositive())
        throw new ValidationError('EVENT_INVALID', `${field}.amountCents`, 'must be greater than zero');
      boundedAmount(amount.cents, 'cardPurchase', `${field}.amountCents`);
      if (typeof input.mcc !== 'string' || !FOUR_DIGITS.test(input.mcc)) {
        throw new ValidationError('EVENT_INVALID', `${field}.mcc`, 'must be a 4-digit merchant category code');
      }
      const mcc = Number(input.mcc);
      if (mcc < MCC_RANGE.min || mcc > MCC_RANGE.max) {
        throw new ValidationError(
          'EVENT_INVALID',
          `${field}.mcc`,
          'must be a merchant category code from 0742 to 9999 (ISO 18245)',
        );
      }
      const installments = input.installments ?? 1;
      if (!Number.isInteger(installments) || (installments as number) < 1 || (installments as number) > 48) {
        throw new ValidationError('EVENT_INVALID', `${field}.installments`, 'must be an integer from 1 to 48');
      }
      if (typeof input.approved !== 'boolean')
        throw new ValidationError('EVENT_INVALID', `${field}.approved`, 'must be true or false');
      if (typeof input.cardLast4 !== 'string' || !FOUR_DIGITS.test(input.cardLast4)) {
        throw new ValidationError('EVENT_INVALID', `${field}.cardLast4`, 'must be the last 4 digits of the card');
      }
      return {
        eventId,
        cpf,
        occurredAt,
        source,
        type: 'CARD_PURCHASE',
        merchant: text(input.merchant, `${field}.merchant`, 160),
        mcc: input.mcc,
        amount,
        installments: installments as number,
        approved: input.approved,
        cardLast4: input.cardLast4,
      };
    }
  }
}

/**
 * The stored/served shape: plain JSON, amounts in cents, times in ISO-8601 UTC. One literal per type, as in
 * parseTransactionEvent: every cached read serialises an inquiry, and V8 kept spread copies in the old generation.
 */
export function eventToJson(e: TransactionEvent): Record<string, unknown> {
  const occurredAt = e.occurredAt.toISOString();
  switch (e.type) {
    case 'BUREAU_INQUIRY':
      return {
        eventId: e.eventId,
        cpf: e.cpf.value,
        type: e.type,
        occurredAt,
        inquirer: e.inquirer,
        purpose: e.purpose,
      };
    case 'FINANCIAL_MOVEMENT':
      return {
        eventId: e.eventId,
        cpf: e.cpf.value,
        type: e.type,
        occurredAt,
        kind: e.kind,
        amountCents: e.amount.cents,
      };
    case 'CARD_PURCHASE':
      return {
        eventId: e.eventId,
        cpf: e.cpf.value,
        type: e.type,
        occurredAt,
        merchant: e.merchant,
        mcc: e.mcc,
        amountCents: e.amount.cents,
        installments: e.installments,
        approved: e.approved,
        cardLast4: e.cardLast4,
      };
  }
}

/** The served shape for the data subject: the wire shape plus who reported the event (Lei 12.414 art. 6 II). */
export function eventWithSource(e: TransactionEvent): Record<string, unknown> {
  return { ...eventToJson(e), source: e.source };
}
