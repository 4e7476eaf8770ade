import { DAY_MS, ValidationError } from '@app/shared-kernel';
import { NOW, VALID_CPF, aCardPurchaseInput, aMovementInput, anInquiryInput } from '@app/testing';
import { TransactionEventInput, eventToJson, parseTransactionEvent } from './transaction-event';

const FIELD = 'events[2]';

function rejection(input: TransactionEventInput): ValidationError {
  try {
    parseTransactionEvent(input, NOW, FIELD);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseTransactionEvent', () => {
  describe('valid events', () => {
    it('parses a bureau inquiry, trimming inquirer and purpose', () => {
      const event = parseTransactionEvent(
        anInquiryInput({ inquirer: '  Banco X ', purpose: ' CREDIT_GRANTING ' }),
        NOW,
      );
      expect(event).toMatchObject({
        type: 'BUREAU_INQUIRY',
        eventId: 'inq-1',
        inquirer: 'Banco X',
        purpose: 'CREDIT_GRANTING',
      });
      expect(event.cpf.value).toBe(VALID_CPF);
    });

    it('parses a financial movement with a signed amount: money out is negative', () => {
      const event = parseTransactionEvent(aMovementInput({ kind: 'BILL_PAYMENT', amountCents: -12_345 }), NOW);
      expect(event.type).toBe('FINANCIAL_MOVEMENT');
      if (event.type !== 'FINANCIAL_MOVEMENT') return;
      expect(event.kind).toBe('BILL_PAYMENT');
      expect(event.amount.cents).toBe(-12_345);
    });

    it('parses a card purchase, with one installment when none is given', () => {
      const event = parseTransactionEvent(aCardPurchaseInput({ installments: undefined, merchant: ' Loja ' }), NOW);
      expect(event).toMatchObject({
        type: 'CARD_PURCHASE',
        merchant: 'Loja',
        mcc: '5411',
        installments: 1,
        approved: true,
        cardLast4: '4242',
      });
    });

    it('accepts a formatted CPF and stores its digits', () => {
      expect(parseTransactionEvent(anInquiryInput({ cpf: '123.456.789-09' }), NOW).cpf.value).toBe(VALID_CPF);
    });

    it('accepts an event up to one day ahead of the clock, as clock skew at the source', () => {
      const occurredAt = new Date(NOW.getTime() + DAY_MS).toISOString();
      expect(parseTransactionEvent(anInquiryInput({ occurredAt }), NOW).occurredAt.toISOString()).toBe(occurredAt);
    });

    it('accepts the widest installment plan, 48', () => {
      expect(parseTransactionEvent(aCardPurchaseInput({ installments: 48 }), NOW)).toMatchObject({ installments: 48 });
    });
  });

  describe('fields common to every type', () => {
    it.each([
      ['a missing eventId', { eventId: undefined }, 'eventId', 'EVENT_INVALID'],
      ['an empty eventId', { eventId: '' }, 'eventId', 'EVENT_INVALID'],
      ['an eventId with a space', { eventId: 'evt 1' }, 'eventId', 'EVENT_INVALID'],
      ['an eventId of 129 characters', { eventId: 'e'.repeat(129) }, 'eventId', 'EVENT_INVALID'],
      ['a numeric eventId', { eventId: 17 }, 'eventId', 'EVENT_INVALID'],
      ['an unknown type', { type: 'WIRE' }, 'type', 'EVENT_INVALID'],
      ['a missing type', { type: undefined }, 'type', 'EVENT_INVALID'],
      ['a CPF with wrong check digits', { cpf: '123.456.789-00' }, 'cpf', 'CPF_INVALID'],
      ['a missing CPF', { cpf: undefined }, 'cpf', 'CPF_INVALID'],
      ['an occurredAt that is no date', { occurredAt: 'yesterday' }, 'occurredAt', 'DATE_INVALID'],
      ['an occurredAt without a zone', { occurredAt: '2025-06-10T10:00:00' }, 'occurredAt', 'DATE_INVALID'],
      [
        'an occurredAt more than a day ahead',
        { occurredAt: new Date(NOW.getTime() + DAY_MS + 1).toISOString() },
        'occurredAt',
        'EVENT_INVALID',
      ],
      ['an occurredAt a year ahead', { occurredAt: '2026-06-15T12:00:00Z' }, 'occurredAt', 'EVENT_INVALID'],
      ['an occurredAt without a time', { occurredAt: '2025-06-10' }, 'occurredAt', 'DATE_INVALID'],
      ['an occurredAt in year 0001', { occurredAt: '0001-01-01T00:00:00Z' }, 'occurredAt', 'DATE_OUT_OF_RANGE'],
      [
        'an occurredAt more than 15 years old',
        { occurredAt: '2010-06-15T02:59:59Z' },
        'occurredAt',
        'DATE_OUT_OF_RANGE',
      ],
    ])('rejects %s on events[2].%s', (_label, overrides, field, code) => {
      const error = rejection({ ...anInquiryInput(), ...overrides } as TransactionEventInput);
      expect(error).toMatchObject({ code, field: `${FIELD}.${field}` });
    });

    it('rejects a future date with the reason that it is in the future', () => {
      expect(rejection(anInquiryInput({ occurredAt: '2026-06-15T12:00:00Z' })).message).toBe(
        'must not be in the future',
      );
    });

    it.each([null, 'text', 42])('rejects %p as an event: it must be an object', (input) => {
      expect(rejection(input as unknown as TransactionEventInput)).toMatchObject({
        code: 'EVENT_INVALID',
        field: FIELD,
      });
    });

    it('names "event" as the field when no path is given', () => {
      expect(() => parseTransactionEvent(anInquiryInput({ eventId: '' }), NOW)).toThrow(
        expect.objectContaining({ field: 'event.eventId' }),
      );
    });
  });

  describe('BUREAU_INQUIRY fields', () => {
    it.each([
      ['a missing inquirer', { inquirer: undefined }, 'inquirer'],
      ['a blank inquirer', { inquirer: '   ' }, 'inquirer'],
      ['an inquirer of 161 characters', { inquirer: 'i'.repeat(161) }, 'inquirer'],
      ['a missing purpose', { purpose: undefined }, 'purpose'],
      ['a purpose of 65 characters', { purpose: 'p'.repeat(65) }, 'purpose'],
      ['a numeric purpose', { purpose: 7 }, 'purpose'],
    ])('rejects %s on events[2].%s with EVENT_INVALID', (_label, overrides, field) => {
      expect(rejection(anInquiryInput(overrides))).toMatchObject({ code: 'EVENT_INVALID', field: `${FIELD}.${field}` });
    });
  });

  describe('FINANCIAL_MOVEMENT fields', () => {
    it.each([
      ['an unknown kind', { kind: 'GIFT' }, 'kind', 'EVENT_INVALID'],
      ['a missing kind', { kind: undefined }, 'kind', 'EVENT_INVALID'],
      ['an amount of zero', { amountCents: 0 }, 'amountCents', 'EVENT_INVALID'],
      ['a fractional amount', { amountCents: 10.5 }, 'amountCents', 'MONEY_INVALID'],
      ['an amount given as text', { amountCents: '100' }, 'amountCents', 'MONEY_INVALID'],
      ['a missing amount', { amountCents: undefined }, 'amountCents', 'MONEY_INVALID'],
    ])('rejects %s on events[2].%s', (_label, overrides, field, code) => {
      expect(rejection(aMovementInput(overrides))).toMatchObject({ code, field: `${FIELD}.${field}` });
    });
  });

  describe('CARD_PURCHASE fields', () => {
    it.each([
      ['a three-digit mcc', { mcc: '541' }, 'mcc', 'EVENT_INVALID'],
      ['an mcc with a letter', { mcc: '54a1' }, 'mcc', 'EVENT_INVALID'],
      ['a numeric mcc', { mcc: 5411 }, 'mcc', 'EVENT_INVALID'],
      ['zero installments', { installments: 0 }, 'installments', 'EVENT_INVALID'],
      ['49 installments', { installments: 49 }, 'installments', 'EVENT_INVALID'],
      ['a fractional number of installments', { installments: 1.5 }, 'installments', 'EVENT_INVALID'],
      ['installments given as text', { installments: '2' }, 'installments', 'EVENT_INVALID'],
      ['approved given as text', { approved: 'yes' }, 'approved', 'EVENT_INVALID'],
      ['a missing approved flag', { approved: undefined }, 'approved', 'EVENT_INVALID'],
      ['three card digits', { cardLast4: '424' }, 'cardLast4', 'EVENT_INVALID'],
      ['numeric card digits', { cardLast4: 4242 }, 'cardLast4', 'EVENT_INVALID'],
      ['a blank merchant', { merchant: ' ' }, 'merchant', 'EVENT_INVALID'],
      ['a merchant of 161 characters', { merchant: 'm'.repeat(161) }, 'merchant', 'EVENT_INVALID'],
      ['an amount of zero', { amountCents: 0 }, 'amountCents', 'EVENT_INVALID'],
      ['a negative amount', { amountCents: -100 }, 'amountCents', 'MONEY_INVALID'],
      ['a fractional amount', { amountCents: 0.5 }, 'amountCents', 'MONEY_INVALID'],
    ])('rejects %s on events[2].%s', (_label, overrides, field, code) => {
      expect(rejection(aCardPurchaseInput(overrides))).toMatchObject({ code, field: `${FIELD}.${field}` });
    });
  });
});

describe('what a partner may not get past (contradictions, unknown fields, implausible values)', () => {
  it.each([
    [
      'currency: "USD" beside an amount',
      aMovementInput({ currency: 'USD' } as TransactionEventInput),
      'currency',
      'is not a field of a FINANCIAL_MOVEMENT event',
    ],
    [
      'a card purchase with a kind',
      aCardPurchaseInput({ kind: 'SALARY' }),
      'kind',
      'is not a field of a CARD_PURCHASE event',
    ],
    [
      'an inquiry with an amount',
      anInquiryInput({ amountCents: 100 }),
      'amountCents',
      'is not a field of a BUREAU_INQUIRY event',
    ],
  ])('refuses %s instead of dropping it silently', (_label, input, field, reason) => {
    expect(rejection(input)).toMatchObject({ code: 'EVENT_INVALID', field: `${FIELD}.${field}`, message: reason });
  });

  it.each([
    ['SALARY', -850_000, 'positive'],
    ['TRANSFER_IN', -1, 'positive'],
    ['LOAN_DISBURSEMENT', -5_000, 'positive'],
    ['DEPOSIT', -5_000, 'positive'],
    ['WITHDRAWAL', 50_000, 'negative'],
    ['TRANSFER_OUT', 1, 'negative'],
    ['BILL_PAYMENT', 12_345, 'negative'],
    ['LOAN_PAYMENT', 9_000, 'negative'],
  ])('refuses a %s of %d cents: the sign contradicts the kind', (kind, amountCents, expected) => {
    const error = rejection(aMovementInput({ kind, amountCents }));
    expect(error).toMatchObject({ code: 'EVENT_INVALID', field: `${FIELD}.amountCents` });
    expect(error.message).toContain(expected);
  });

  it('takes OTHER either way', () => {
    expect(parseTransactionEvent(aMovementInput({ kind: 'OTHER', amountCents: -10 }), NOW)).toMatchObject({
      kind: 'OTHER',
    });
    expect(parseTransactionEvent(aMovementInput({ kind: 'OTHER', amountCents: 10 }), NOW)).toMatchObject({
      kind: 'OTHER',
    });
  });

  it.each([
    [
      'a R$ 90-trillion card purchase',
      aCardPurchaseInput({ amountCents: 9_000_000_000_000_000 }),
      'AMOUNT_OUT_OF_RANGE',
    ],
    ['a card purchase over R$ 1 million', aCardPurchaseInput({ amountCents: 100_000_001 }), 'AMOUNT_OUT_OF_RANGE'],
    ['a movement over R$ 100 million', aMovementInput({ amountCents: 10_000_000_001 }), 'AMOUNT_OUT_OF_RANGE'],
    [
      'a movement of MAX_SAFE_INTEGER cents',
      aMovementInput({ amountCents: Number.MAX_SAFE_INTEGER }),
      'AMOUNT_OUT_OF_RANGE',
    ],
    [
      'an outflow over R$ 100 million',
      aMovementInput({ kind: 'WITHDRAWAL', amountCents: -10_000_000_001 }),
      'AMOUNT_OUT_OF_RANGE',
    ],
  ])('refuses %s', (_label, input, code) => {
    expect(rejection(input)).toMatchObject({ code, field: `${FIELD}.amountCents` });
  });

  it('accepts the ceilings themselves', () => {
    expect(parseTransactionEvent(aCardPurchaseInput({ amountCents: 100_000_000 }), NOW)).toMatchObject({
      type: 'CARD_PURCHASE',
    });
    expect(
      parseTransactionEvent(aMovementInput({ kind: 'WITHDRAWAL', amountCents: -10_000_000_000 }), NOW),
    ).toMatchObject({ type: 'FINANCIAL_MOVEMENT' });
  });

  it.each(['0000', '0001', '0741'])('refuses MCC %s: ISO 18245 assigns codes from 0742', (mcc) => {
    expect(rejection(aCardPurchaseInput({ mcc }))).toMatchObject({ code: 'EVENT_INVALID', field: `${FIELD}.mcc` });
  });

  it.each(['0742', '5411', '9999'])('accepts MCC %s', (mcc) => {
    expect(parseTransactionEvent(aCardPurchaseInput({ mcc }), NOW)).toMatchObject({ mcc });
  });

  it('accepts an event 15 years old to the day, from 00:00 in Brasília', () => {
    expect(
      parseTransactionEvent(anInquiryInput({ occurredAt: '2010-06-15T03:00:00Z' }), NOW).occurredAt.toISOString(),
    ).toBe('2010-06-15T03:00:00.000Z');
  });

  it('records the source it is given, never one from the event', () => {
    expect(parseTransactionEvent(anInquiryInput(), NOW, 'event', 'api:Banco X').source).toBe('api:Banco X');
    expect(rejection({ ...anInquiryInput(), source: 'api:someone else' } as TransactionEventInput)).toMatchObject({
      field: `${FIELD}.source`,
    });
  });
});

describe('eventToJson', () => {
  it('serves amounts in cents, the CPF as digits and times in ISO-8601 UTC', () => {
    const event = parseTransactionEvent(
      aMovementInput({
        cpf: '123.456.789-09',
        occurredAt: '2025-06-10T09:30:00-03:00',
        amountCents: -4_200,
        kind: 'WITHDRAWAL',
      }),
      NOW,
    );
    expect(eventToJson(event)).toEqual({
      eventId: 'mov-1',
      cpf: VALID_CPF,
      type: 'FINANCIAL_MOVEMENT',
      occurredAt: '2025-06-10T12:30:00.000Z',
      kind: 'WITHDRAWAL',
      amountCents: -4_200,
    });
  });

  it('serves exactly the fields of a card purchase', () => {
    const json = eventToJson(parseTransactionEvent(aCardPurchaseInput({ installments: 3, approved: false }), NOW));
    expect(Object.keys(json).sort()).toEqual([
      'amountCents',
      'approved',
      'cardLast4',
      'cpf',
      'eventId',
      'installments',
      'mcc',
      'merchant',
      'occurredAt',
      'type',
    ]);
    expect(json).toMatchObject({ installments: 3, approved: false, amountCents: 15_990 });
  });

  it.each([
    ['BUREAU_INQUIRY', anInquiryInput()],
    ['FINANCIAL_MOVEMENT', aMovementInput({ kind: 'BILL_PAYMENT', amountCents: -99 })],
    ['CARD_PURCHASE', aCardPurchaseInput({ installments: 12 })],
  ])('round-trips a %s: parsing its JSON gives back the same event', (_type, input) => {
    const event = parseTransactionEvent(input, NOW);
    const json = eventToJson(event);
    const again = parseTransactionEvent(JSON.parse(JSON.stringify(json)) as TransactionEventInput, NOW);
    expect(again).toEqual(event);
    expect(eventToJson(again)).toEqual(json);
  });
});
