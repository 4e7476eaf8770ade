/**
 * JSON Schemas of every message payload. The same objects validate messages at the edge (ajv) and are written into
 * openapi/asyncapi.yaml, so the documentation cannot say something the code does not enforce.
 * Rules JSON Schema cannot express (CPF and CNPJ check digits, dates not in the future) are checked by the domain
 * after.
 */
export { CNPJ_PATTERN, CPF_PATTERN, cnpj, cpf } from './identifiers';
import { cpf } from './identifiers';

const eventId = {
  type: 'string',
  pattern: '^[A-Za-z0-9._:-]{1,128}$',
  description:
    'Unique among the events of one source (the verified sender); re-sending it never duplicates the' +
    ' event, and another source may use the same id',
};
const timestamp = { type: 'string', format: 'date-time' };

export const BureauInquiryEvent = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'cpf', 'type', 'occurredAt', 'inquirer', 'purpose'],
  properties: {
    eventId,
    cpf,
    type: { const: 'BUREAU_INQUIRY' },
    occurredAt: timestamp,
    inquirer: { type: 'string', minLength: 1, maxLength: 160 },
    purpose: { type: 'string', minLength: 1, maxLength: 64 },
  },
};

export const FinancialMovementEvent = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'cpf', 'type', 'occurredAt', 'kind', 'amountCents'],
  properties: {
    eventId,
    cpf,
    type: { const: 'FINANCIAL_MOVEMENT' },
    occurredAt: timestamp,
    kind: {
      enum: [
        'SALARY',
        'TRANSFER_IN',
        'TRANSFER_OUT',
        'BILL_PAYMENT',
        'LOAN_DISBURSEMENT',
        'LOAN_PAYMENT',
        'WITHDRAWAL',
        'DEPOSIT',
        'OTHER',
      ],
    },
    amountCents: {
      type: 'integer',
      not: { const: 0 },
      minimum: -10_000_000_000,
      maximum: 10_000_000_000,
      description:
        'Signed BRL cents, at most R$ 100 million either way: in positive, out negative. The sign must' +
        ' match the kind (SALARY, TRANSFER_IN, LOAN_DISBURSEMENT and DEPOSIT are in; TRANSFER_OUT, BILL_PAYMENT,' +
        ' LOAN_PAYMENT and WITHDRAWAL are out; OTHER either)',
    },
  },
};

export const CardPurchaseEvent = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'cpf', 'type', 'occurredAt', 'merchant', 'mcc', 'amountCents', 'approved', 'cardLast4'],
  properties: {
    eventId,
    cpf,
    type: { const: 'CARD_PURCHASE' },
    occurredAt: timestamp,
    merchant: { type: 'string', minLength: 1, maxLength: 160 },
    mcc: { type: 'string', pattern: '^\\d{4}$', description: 'ISO 18245 merchant category code, 0742 to 9999' },
    amountCents: {
      type: 'integer',
      minimum: 1,
      maximum: 100_000_000,
      description: 'BRL cents, at most R$ 1 million',
    },
    installments: { type: 'integer', minimum: 1, maximum: 48, default: 1 },
    approved: { type: 'boolean' },
    cardLast4: { type: 'string', pattern: '^\\d{4}$' },
  },
};

export const TransactionEventSchema = { oneOf: [BureauInquiryEvent, FinancialMovementEvent, CardPurchaseEvent] };

export const IngestTransactionsV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    batchId: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description: 'Optional id of the batch, echoed in the ingested event',
    },
    source: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description:
        'Set by the platform only (the API forwarding a REST batch, a replayed dead letter), on messages' +
        ' whose user_id is its own broker user. Partners leave it out: their events are recorded under their' +
        ' verified user_id; a partner message that sets it is refused with SOURCE_NOT_ALLOWED',
    },
    events: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { type: 'object' },
      description:
        'Each item is a TransactionEvent; invalid items are dead-lettered one by one while the rest is stored',
    },
  },
};

export const RegenerateRatingsV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['jobId'],
  properties: {
    jobId: { type: 'string', format: 'uuid', description: 'A job created through POST /v1/ratings/regenerations' },
  },
};

export const RatePartitionV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['jobId', 'partition'],
  properties: {
    jobId: { type: 'string', format: 'uuid', description: 'A job created through POST /v1/ratings/regenerations' },
    partition: { type: 'integer', minimum: 0, maximum: 65535, description: "Index of the partition in the job's plan" },
  },
};

/** Accepts explicit rescore requests and the change events bound to the queue; only `cpfs` matters. */
export const RescoreConsumersV1 = {
  type: 'object',
  required: ['cpfs'],
  properties: { cpfs: { type: 'array', minItems: 1, maxItems: 1000, items: cpf } },
};

export const AnalysisRequestV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['cpf', 'purpose'],
  properties: {
    cpf,
    purpose: { enum: ['CREDIT_GRANTING', 'CREDIT_REVIEW', 'COLLECTION', 'FRAUD_PREVENTION', 'RENTAL_GUARANTEE'] },
    requester: {
      type: 'string',
      minLength: 1,
      maxLength: 120,
      deprecated: true,
      description:
        'Ignored: the consulter recorded on the bureau inquiry and shown to the data subject is the' +
        ' verified AMQP user_id (amqp:<user>)',
    },
  },
};

export const IngestReplyV1 = {
  type: 'object',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    batchId: { type: 'string' },
    stored: { type: 'integer', minimum: 0, description: 'Events stored now' },
    duplicates: { type: 'integer', minimum: 0, description: 'Events this source had already sent (same eventId)' },
    items: {
      type: 'array',
      description: 'One per event of the batch, in order',
      items: {
        type: 'object',
        required: ['index', 'eventId', 'outcome'],
        properties: {
          index: { type: 'integer', minimum: 0 },
          eventId: { type: ['string', 'null'] },
          outcome: {
            enum: ['STORED', 'DUPLICATE', 'REJECTED'],
          },
          code: { type: 'string' },
          field: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    },
  },
};

export const AnalysisReplyV1 = {
  type: 'object',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    analysis: {
      type: 'object',
      description: 'The CreditAnalysis, as GET /v1/credit-analyses/{cpf} returns it (see openapi.json)',
    },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    },
  },
};

export const CorrectionNoticeV1 = {
  type: 'object',
  additionalProperties: false,
  required: ['correctionId', 'cpf', 'field', 'correctedAt', 'recipients'],
  properties: {
    correctionId: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'The same for a repeated identical correction: de-duplicate by it',
    },
    cpf,
    field: {
      enum: ['name', 'address', 'debt'],
      description: 'What was corrected (the corrected value is read back over the API, under its own audit)',
    },
    debtId: { type: 'string', description: 'The debt corrected or cancelled, when field is debt' },
    correctedAt: timestamp,
    recipients: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['client', 'lastReadAt'],
        properties: {
          client: {
            type: 'string',
            description: 'The verified client that read the data: an API client name or amqp:<broker user>',
          },
          lastReadAt: timestamp,
        },
      },
    },
  },
};

export const TransactionsIngestedV1 = {
  type: 'object',
  required: ['batchId', 'cpfs'],
  properties: { batchId: { type: 'string' }, cpfs: { type: 'array', minItems: 1, items: cpf } },
};

export const ConsumerDataChangedV1 = {
  type: 'object',
  required: ['cpfs', 'dataClass'],
  properties: {
    cpfs: { type: 'array', items: cpf },
    dataClass: { enum: ['CONSUMER', 'RATING_FEATURES', 'TRANSACTIONS'] },
  },
};

export const RatingChangedV1 = {
  type: 'object',
  required: ['cpf', 'score', 'band', 'probabilityOfDefault', 'modelVersion', 'generatedAt'],
  properties: {
    cpf,
    score: { type: 'integer', minimum: 0, maximum: 1000 },
    band: { enum: ['A', 'B', 'C', 'D', 'E'] },
    probabilityOfDefault: { type: 'number', minimum: 0, maximum: 1 },
    modelVersion: { type: 'string' },
    previousScore: { type: ['integer', 'null'], minimum: 0, maximum: 1000 },
    generatedAt: timestamp,
  },
};

export * from './feed-schemas';
