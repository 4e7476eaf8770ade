/**
 * JSON Schemas of the partners' bulk feeds (debt reports, consumer records), their receipts and the debt notices. The
 * envelope is checked when a message is consumed; each item is then checked on its own against its schema, so one bad
 * item is rejected in the receipt while the rest of the batch is stored.
 */
import { cnpj, cpf } from './identifiers';
import { MAX_NOTICES_PER_MESSAGE } from './topology';

const day = {
  type: 'string',
  format: 'date',
  pattern: '^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$',
  description: 'A calendar day, YYYY-MM-DD (never a timestamp)',
};
/** PostgreSQL cannot store U+0000, and text that trims to nothing is no value. */
const text = (maxLength: number, description?: string) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: '^[^\\u0000]*[^\\u0000\\s][^\\u0000]*$',
  ...(description ? { description } : {}),
});
/** Letters, digits and ._:- only: it becomes the audit entries' request id. */
export const FEED_BATCH_ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';
const batchId = {
  type: 'string',
  pattern: FEED_BATCH_ID_PATTERN,
  description:
    'Your id for the batch, 1-128 letters, digits or ._:-, echoed in its receipt (when absent: the AMQP' +
    ' message_id if it has that form, or a new id)',
};
const contractId = {
  type: 'string',
  pattern: '^[A-Za-z0-9._-]{1,48}$',
  description:
    "The creditor's own id of the contract: with the creditor's CNPJ and the CPF it names the debt, so a" +
    ' re-sent report changes nothing. Up to 48 letters, digits or ._-',
};
const source = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  description:
    'Set by the platform only (a replayed dead letter), on messages whose user_id is its own broker user;' +
    ' partners leave it out: what they send is recorded under their verified user_id, and a partner message that' +
    ' sets it is refused with SOURCE_NOT_ALLOWED',
};
const amountCents = {
  type: 'integer',
  minimum: 1,
  maximum: 10_000_000_000,
  description: 'BRL cents, at most R$ 100 million',
};
const key = { cpf, creditorCnpj: cnpj, contractId };
const keyFields = ['operation', 'cpf', 'creditorCnpj', 'contractId'];

export const RegisterDebtReport = {
  type: 'object',
  additionalProperties: false,
  required: [...keyFields, 'creditor', 'amountCents', 'dueDate'],
  description:
    'A debt the creditor registers with the bureau. It becomes reportable only after the consumer has been' +
    ' notified and the notice period has passed (CDC art. 43 §2); re-sending the same registration changes nothing',
  properties: {
    operation: { const: 'REGISTER' },
    ...key,
    creditor: text(160, "The creditor's name as the consumer knows it"),
    amountCents,
    dueDate: day,
    limitationDate: { ...day, description: 'The day its limitation period is complete; not before dueDate' },
  },
};
export const UpdateDebtAmountReport = {
  type: 'object',
  additionalProperties: false,
  required: [...keyFields, 'amountCents'],
  description: 'The amount owed on a registered debt changed (interest, a partial payment)',
  properties: { operation: { const: 'UPDATE_AMOUNT' }, ...key, amountCents },
};
export const PayDebtReport = {
  type: 'object',
  additionalProperties: false,
  required: keyFields,
  description: 'The debt was paid: it stops counting as a negative record at once',
  properties: { operation: { const: 'PAY' }, ...key },
};
export const RenegotiateDebtReport = {
  type: 'object',
  additionalProperties: false,
  required: [...keyFields, 'amountCents', 'dueDate'],
  description: 'New terms for a registered debt: the amount now owed and the new due date',
  properties: { operation: { const: 'RENEGOTIATE' }, ...key, amountCents, dueDate: day },
};
export const RemoveDebtReport = {
  type: 'object',
  additionalProperties: false,
  required: keyFields,
  description:
    'The creditor withdraws the debt (registered in error, or settled otherwise): it is deleted at once.' +
    ' Removing a debt that is not held changes nothing',
  properties: { operation: { const: 'REMOVE' }, ...key },
};
export const DebtReportSchema = {
  oneOf: [RegisterDebtReport, UpdateDebtAmountReport, PayDebtReport, RenegotiateDebtReport, RemoveDebtReport],
};

export const DebtReportsV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['reports'],
  properties: {
    batchId,
    source,
    reports: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'object' },
      description:
        'Each item is a DebtReport (told apart by `operation`), validated on its own: an invalid one is' +
        ' rejected in the receipt, the others are stored. Reports are applied in order, so one batch may register' +
        ' a debt and then pay it',
    },
  },
};

export const AddressRecord = {
  type: 'object',
  additionalProperties: false,
  required: ['street', 'number', 'district', 'city', 'state', 'postalCode'],
  properties: {
    street: text(200),
    number: text(20),
    complement: { type: ['string', 'null'], maxLength: 120, pattern: '^[^\\u0000]*$' },
    district: text(120),
    city: text(120),
    state: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'A Brazilian state code (UF) such as SP' },
    postalCode: { type: 'string', pattern: '^[0-9]{5}-?[0-9]{3}$', description: 'A CEP such as 01310-200' },
  },
};
export const ConsumerRecord = {
  type: 'object',
  additionalProperties: false,
  required: ['cpf', 'name', 'address'],
  description: 'Who a consumer is: created when the CPF is new, name and address replaced otherwise (debts are kept)',
  properties: { cpf, name: text(160, 'Two characters or more, trimmed'), address: AddressRecord },
};

export const ConsumerRecordsV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['records'],
  properties: {
    batchId,
    source,
    records: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'object' },
      description: 'Each item is a ConsumerRecord, validated on its own',
    },
  },
};

const rejectedItem = {
  type: 'object',
  additionalProperties: false,
  required: ['index', 'code', 'field', 'reason'],
  properties: {
    index: { type: 'integer', minimum: 0, description: 'Position of the item in the batch as sent' },
    code: { type: 'string', description: 'Stable code, e.g. SCHEMA_INVALID, CPF_INVALID, DEBT_NOT_FOUND' },
    field: { type: 'string', description: 'Path of the offending field in the batch, e.g. reports[3].amountCents' },
    reason: { type: 'string', description: 'Why, with any CPF masked' },
  },
};

export const BatchReceiptV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['batchId', 'kind', 'received', 'accepted', 'rejected'],
  properties: {
    batchId: { type: 'string', description: "The batch's batchId, or its AMQP message_id when it had none" },
    kind: { enum: ['TRANSACTIONS', 'DEBT_REPORTS', 'CONSUMER_RECORDS'], description: 'What the batch carried' },
    received: { type: 'integer', minimum: 0, description: 'Items in the batch (0 when it could not be read)' },
    accepted: {
      type: 'integer',
      minimum: 0,
      description: 'Items stored, or already held exactly so (a re-sent item): every item not listed in rejected',
    },
    rejected: { type: 'array', items: rejectedItem, description: 'Every item not stored, with why' },
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'reason'],
      description:
        'Present when the batch was refused as a whole (nothing stored): SOURCE_UNVERIFIED,' +
        ' MESSAGE_MALFORMED, SCHEMA_INVALID (the envelope), RETRIES_EXHAUSTED (send it again later)',
      properties: { code: { type: 'string' }, field: { type: 'string' }, reason: { type: 'string' } },
    },
    processedAt: { type: 'string', format: 'date-time' },
  },
};

const DebtNoticeV1 = {
  type: 'object',
  additionalProperties: false,
  description: 'One letter: the debts newly registered about one consumer, and where to send it',
  required: ['noticeId', 'cpf', 'name', 'address', 'debts', 'sentAt', 'reportableFrom'],
  properties: {
    noticeId: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'The same when a notice is sent again (a redelivered batch): send one letter per noticeId',
    },
    cpf,
    name: { type: 'string' },
    address: AddressRecord,
    debts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['debtId', 'creditor', 'creditorCnpj', 'amountCents', 'dueDate'],
        properties: {
          debtId: { type: 'string' },
          creditor: { type: 'string' },
          creditorCnpj: { type: 'string' },
          amountCents: { type: 'integer', minimum: 1 },
          dueDate: day,
        },
      },
    },
    sentAt: {
      type: 'string',
      format: 'date-time',
      description: 'When the platform sent this notice; the notice period runs from the day of the first one',
    },
    reportableFrom: {
      type: 'string',
      format: 'date-time',
      description: 'When the records may first appear in reports and scores, unless paid or removed before',
    },
  },
};

export const DebtNoticesV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['notices'],
  properties: {
    notices: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_NOTICES_PER_MESSAGE,
      items: DebtNoticeV1,
      description: 'One notice per consumer: send one letter per noticeId',
    },
  },
};
