import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  checkItems,
  validateConsumerRecordPayload,
  validateDebtReportPayload,
  validateEventPayload,
} from './payload-validator';
import { TransactionEventSchema } from './schemas';

/**
 * The whole oneOf, compiled on its own: what validateEventPayload must agree with, whichever branch it checks first.
 */
const reference = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(TransactionEventSchema);
})();

const VALID: Record<string, unknown>[] = [
  {
    eventId: 'i-1',
    cpf: '12345678909',
    type: 'BUREAU_INQUIRY',
    occurredAt: '2026-11-20T10:00:00Z',
    inquirer: 'Banco X',
    purpose: 'CREDIT_GRANTING',
  },
  {
    eventId: 'm-1',
    cpf: '123.456.789-09',
    type: 'FINANCIAL_MOVEMENT',
    occurredAt: '2026-11-20T10:00:00.123-03:00',
    kind: 'SALARY',
    amountCents: 850000,
  },
  {
    eventId: 'c-1',
    cpf: '12345678909',
    type: 'CARD_PURCHASE',
    occurredAt: '2026-11-21T18:30:00Z',
    merchant: 'Farmácia',
    mcc: '5912',
    amountCents: 4590,
    installments: 3,
    approved: true,
    cardLast4: '4242',
  },
  {
    eventId: 'c-2',
    cpf: '12345678909',
    type: 'CARD_PURCHASE',
    occurredAt: '2026-11-21T18:30:00Z',
    merchant: 'Farmácia',
    mcc: '5912',
    amountCents: 1,
    approved: false,
    cardLast4: '0000',
  },
];

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  -1,
  1.5,
  49,
  true,
  [],
  {},
  '2026-02-30T10:00:00Z',
  '2026-11-20',
  'BUREAU_INQUIRY',
  'CARD_PURCHASE',
];

/** Every valid event, and each of them with one field removed, replaced by an odd value, or one unknown field added. */
function variants(): unknown[] {
  const out: unknown[] = [null, 'text', 42, [], {}];
  for (const event of VALID) {
    out.push(event, { ...event, extra: 1 });
    for (const key of Object.keys(event)) {
      const { [key]: _removed, ...without } = event;
      out.push(without);
      for (const value of ODD_VALUES) out.push({ ...event, [key]: value });
    }
    for (const type of ['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT', 'CARD_PURCHASE', 'OTHER']) out.push({ ...event, type });
  }
  return out;
}

describe('validateEventPayload', () => {
  it('accepts exactly the events the whole oneOf accepts, over valid events and hundreds of one-field mutations', () => {
    const all = variants();
    expect(all.length).toBeGreaterThan(500);
    const disagreements = all.filter((e) => (validateEventPayload(e).length === 0) !== reference(e));
    expect(disagreements).toEqual([]);
    expect(all.filter((e) => reference(e)).length).toBeGreaterThan(VALID.length);
  });

  it('explains a failure with the branch of the declared type', () => {
    expect(validateEventPayload({ ...VALID[2], mcc: '54' })).toEqual([
      { field: 'mcc', reason: 'must match pattern "^\\d{4}$"' },
    ]);
    expect(validateEventPayload({ ...VALID[1], bonus: true })).toEqual([
      { field: '(root)', reason: 'unknown field bonus' },
    ]);
    expect(validateEventPayload({ ...VALID[0], type: 'NOPE' }).length).toBeGreaterThan(0);
  });

  describe('feed items', () => {
    const register = {
      operation: 'REGISTER',
      cpf: '12345678909',
      creditorCnpj: '11.222.333/0001-81',
      contractId: 'C-1',
      creditor: 'Acme',
      amountCents: 100,
      dueDate: '2025-05-10',
    };

    it('checks a debt report against the schema of the operation it names', () => {
      expect(validateDebtReportPayload(register)).toEqual([]);
      expect(validateDebtReportPayload({ ...register, operation: 'PAY' })).toEqual([
        { field: '(root)', reason: 'unknown field creditor' },
        { field: '(root)', reason: 'unknown field amountCents' },
        { field: '(root)', reason: 'unknown field dueDate' },
      ]);
      expect(validateDebtReportPayload({ ...register, operation: 'FORGIVE' })).toEqual([
        { field: 'operation', reason: expect.stringContaining('REGISTER') },
      ]);
      expect(validateDebtReportPayload({ ...register, dueDate: '2025-13-01' })[0]).toMatchObject({ field: 'dueDate' });
    });

    it('keeps the items that pass and rejects the others by index, naming the field inside the batch', () => {
      const record = {
        cpf: '12345678909',
        name: 'Maria',
        address: {
          street: 'Rua A',
          number: '1',
          district: 'Centro',
          city: 'Recife',
          state: 'PE',
          postalCode: '50030-000',
        },
      };
      const { passed, rejected } = checkItems(
        [record, { ...record, name: '' }, { ...record, extra: 1 }],
        validateConsumerRecordPayload,
        'records',
      );
      expect(passed.map((p) => p.index)).toEqual([0]);
      expect(rejected.map((r) => [r.index, r.code, r.field])).toEqual([
        [1, 'SCHEMA_INVALID', 'records[1].name'],
        [2, 'SCHEMA_INVALID', 'records[2]'],
      ]);
    });
  });
});
