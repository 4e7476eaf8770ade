import {
  CAUSATION_HEADER,
  DEAD_LETTER_HEADERS,
  EVENTS,
  EXCHANGES,
  MESSAGE_SCHEMAS,
  PARTNER_NAME_PATTERN,
  QUEUES,
  RETRY_COUNT_HEADER,
  Schemas,
  deadLetterQueue,
  partnerQueuePrefix,
  receiptsQueue,
  retryQueue,
} from '@app/contracts';
import { MAX_ATTEMPTS, RETRY_DELAY_MS, assertTopology } from '@app/platform';
import { dump } from 'js-yaml';
import type { ConfirmChannel } from 'amqplib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXAMPLE_PARTNER,
  Example,
  FEED_MESSAGE_DOCS,
  MessageDoc,
  RECEIPT_DOC,
  feedsExample,
  gettingConnected,
} from './asyncapi-partner-docs';

export const ASYNCAPI_PATH = join(__dirname, '..', 'openapi', 'asyncapi.yaml');

const BINDING_VERSION = '0.3.0';
const VHOST = '/';

// ---------------------------------------------------------------------------------------------------------------------
// Topology: recorded from the transport's own assertTopology(), so exchanges, queues, arguments and bindings in the
// document are exactly what the apps declare on the broker.
// ---------------------------------------------------------------------------------------------------------------------

interface DeclaredExchange {
  name: string;
  type: 'direct' | 'topic' | 'fanout' | 'headers';
  durable: boolean;
  autoDelete: boolean;
}
interface DeclaredQueue {
  name: string;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: Record<string, unknown>;
}
interface DeclaredBinding {
  queue: string;
  exchange: string;
  routingKey: string;
}
interface DeclaredTopology {
  exchanges: Map<string, DeclaredExchange>;
  queues: Map<string, DeclaredQueue>;
  bindings: DeclaredBinding[];
}

async function recordTopology(): Promise<DeclaredTopology> {
  const topology: DeclaredTopology = { exchanges: new Map(), queues: new Map(), bindings: [] };
  const recorder = {
    assertExchange: async (
      name: string,
      type: DeclaredExchange['type'],
      options: { durable?: boolean; autoDelete?: boolean } = {},
    ) => {
      topology.exchanges.set(name, {
        name,
        type,
        durable: options.durable ?? true,
        autoDelete: options.autoDelete ?? false,
      });
    },
    assertQueue: async (
      name: string,
      options: {
        durable?: boolean;
        exclusive?: boolean;
        autoDelete?: boolean;
        arguments?: Record<string, unknown>;
      } = {},
    ) => {
      topology.queues.set(name, {
        name,
        durable: options.durable ?? true,
        exclusive: options.exclusive ?? false,
        autoDelete: options.autoDelete ?? false,
        arguments: options.arguments ?? {},
      });
    },
    bindQueue: async (queue: string, exchange: string, routingKey: string) => {
      topology.bindings.push({ queue, exchange, routingKey });
    },
  };
  await assertTopology(recorder as unknown as ConfirmChannel, { retryDelayMs: RETRY_DELAY_MS });
  return topology;
}

// ---------------------------------------------------------------------------------------------------------------------
// What the contracts cannot say: titles, prose and examples. Payload schemas are never written here.
// ---------------------------------------------------------------------------------------------------------------------

const BATCH_EXAMPLE = {
  batchId: 'partner-acme-2025-06-01T10:00Z-0001',
  events: [
    {
      eventId: 'acme:inq:000981',
      cpf: '12345678909',
      type: 'BUREAU_INQUIRY',
      occurredAt: '2025-06-01T09:58:12Z',
      inquirer: 'Acme Financeira S.A.',
      purpose: 'CREDIT_GRANTING',
    },
    {
      eventId: 'acme:mov:771203',
      cpf: '12345678909',
      type: 'FINANCIAL_MOVEMENT',
      occurredAt: '2025-05-30T12:00:00Z',
      kind: 'SALARY',
      amountCents: 650000,
    },
    {
      eventId: 'acme:card:55120',
      cpf: '52998224725',
      type: 'CARD_PURCHASE',
      occurredAt: '2025-05-31T20:14:03-03:00',
      merchant: 'Supermercado Boa Vista',
      mcc: '5411',
      amountCents: 18990,
      installments: 3,
      approved: true,
      cardLast4: '4242',
    },
  ],
};

const MESSAGE_DOCS: Record<string, MessageDoc> = {
  ...FEED_MESSAGE_DOCS,
  [QUEUES.ingestTransactions]: {
    kind: 'command',
    title: 'Ingest a batch of transaction events',
    summary: 'Up to 1000 bureau inquiries, financial movements and card purchases for one or more CPFs.',
    description: [
      'Each item of `events` must match the `TransactionEvent` schema (see components/schemas: `BureauInquiryEvent`, `FinancialMovementEvent`, `CardPurchaseEvent`, told apart by `type`).',
      'The envelope is validated as a whole (an invalid envelope dead-letters the message); each event is then validated on its own: valid events are stored, and every invalid one is dead-lettered **individually** to `' +
        deadLetterQueue(QUEUES.ingestTransactions) +
        '` as a one-event batch `{ batchId, events: [event] }` with the reason in the headers, so one bad event never blocks its batch.',
      'Set `user_id` to the user your connection logs in as (RabbitMQ verifies it). Your events are recorded under' +
        ' that user (`amqp:<user>`), the source the bureau names to each consumer (Lei 12.414 art. 6 II). A batch' +
        ' without it is refused as a whole with `SOURCE_UNVERIFIED` (dead-lettered, or answered on `reply_to`); a' +
        ' batch that sets `source` itself is refused with `SOURCE_NOT_ALLOWED`.',
      'Storage is idempotent per source: an `eventId` you already sent is a duplicate and is not stored again, while' +
        ' another partner may use the same id for its own event. Re-sending a batch (or a redelivery) never duplicates' +
        ' an event.',
      'With `reply_to` set, the reply (`IngestReplyV1`, same `correlation_id`) says per event whether it was' +
        ' `STORED`, a `DUPLICATE` or `REJECTED` (with code, field and reason).',
      'Amounts are integer BRL cents within per-field bounds; the sign of a movement must match its kind; times are' +
        ' ISO-8601 with an offset, at most a day ahead and at most 15 years old; MCCs run from 0742 to 9999; fields a' +
        ' type does not have are refused. Such events, and CPFs with wrong check digits, are rejected per event.',
    ].join('\n\n'),
    examples: [
      {
        name: 'mixedBatch',
        summary: 'One event of each type for two consumers (published with user_id acme-financeira)',
        headers: { [CAUSATION_HEADER]: 'partner-acme-upload-1187' },
        payload: BATCH_EXAMPLE,
      },
      {
        name: 'withoutBatchId',
        summary: 'batchId is optional; the AMQP message_id (or a new id) is used instead',
        payload: { events: [BATCH_EXAMPLE.events[1]] },
      },
    ],
  },
  [QUEUES.regenerateRatings]: {
    kind: 'command',
    title: 'Start a rating regeneration job',
    summary: 'Fans a job created through POST /v1/ratings/regenerations out into one work message per partition.',
    description:
      'Sent by the API when a job is created or resumed. A rating worker sends a `' +
      QUEUES.ratePartition +
      '` message for every partition that is neither completed nor running, so a redelivery or a resume sends only what is left. Partners do not send it.',
    examples: [
      {
        name: 'job',
        summary: 'A job created over REST',
        headers: { [CAUSATION_HEADER]: '0b6f2a8e-3c41-4e0a-b7f5-9d2c1e4a7b36' },
        payload: { jobId: '0b6f2a8e-3c41-4e0a-b7f5-9d2c1e4a7b36' },
      },
    ],
  },
  [QUEUES.ratePartition]: {
    kind: 'command',
    title: 'Rate one partition of a regeneration job',
    summary:
      'Any rating worker rates the CPFs of one partition (a shard or bucket of the CPF space, or a slice of listed CPFs).',
    description:
      'A worker leases the partition by starting a run of it (unique per attempt); a second delivery of the same partition waits while a live run holds it and takes over once that run stops heartbeating. The message stays unacknowledged while the partition is rated, so the broker hands it to another worker if this one dies. Rating is idempotent, so a partition rated twice changes nothing. Partners do not send it.',
    examples: [
      {
        name: 'partition',
        summary: 'Partition 17 of a job',
        headers: { [CAUSATION_HEADER]: '0b6f2a8e-3c41-4e0a-b7f5-9d2c1e4a7b36' },
        payload: { jobId: '0b6f2a8e-3c41-4e0a-b7f5-9d2c1e4a7b36', partition: 17 },
      },
    ],
  },
  [QUEUES.rescoreConsumers]: {
    kind: 'command',
    title: 'Re-score consumers',
    summary: 'Recomputes the rating of each listed CPF (duplicates are rated once).',
    description:
      'The rescore queue takes explicit requests on the commands exchange and, through its bindings on the events exchange, the transactions-ingested and consumer-changed events: the queue validates all of them against this schema, in which only `cpfs` matters and other fields are allowed.',
    examples: [
      {
        name: 'twoConsumers',
        summary: 'An explicit request for two CPFs',
        payload: { cpfs: ['12345678909', '52998224725'] },
      },
    ],
  },
  [QUEUES.analysisRequests]: {
    kind: 'command',
    title: 'Request a credit analysis (request/reply)',
    summary:
      'Asks for the credit analysis of one CPF; the answer is sent to the reply_to queue with the same correlation_id.',
    description: [
      'Set the AMQP properties `reply_to` (your reply queue, or `amq.rabbitmq.reply-to` for direct reply-to) and `correlation_id`; the reply (`AnalysisReplyV1`) carries the same `correlation_id`.',
      "Set `user_id` to the user your connection logs in as. RabbitMQ checks it against the connection (a different value closes your channel with `PRECONDITION_FAILED`), so the platform knows who asks. A request without it is answered `ok: false` with `REQUESTER_UNVERIFIED`. That user is held to the per-client rate limit of the REST API (`RATE_LIMITED` when over it), and every request is audited under it as `amqp:<user>`, with its `purpose`, the CPF (masked, and as a keyed hash) and the outcome, as GET /v1/credit-analyses/{cpf} is audited. The audit entry's request id is your `correlation_id`.",
      'The request is recorded as a bureau inquiry by your verified user (`amqp:<user>`) for `purpose`, as GET' +
        ' /v1/credit-analyses/{cpf} would record it; that is the consulter the consumer sees. `requester` is accepted' +
        ' and ignored: a name anyone could set is not what a consumer is shown. Give each request a unique' +
        ' `message_id`: a request delivered twice (a redelivery after a failure on our side) is then one inquiry on' +
        ' the consumer, not two. A `message_id` reused for another CPF or purpose is another request, and another' +
        ' inquiry. Without one, each delivery counts.',
      'A request that is well-formed but cannot be answered (wrong CPF check digits, unknown CPF) gets a reply with `ok: false` and an `error`. A request that is not valid JSON or does not match this schema gets **no reply**: it is dead-lettered to `' +
        deadLetterQueue(QUEUES.analysisRequests) +
        '`. A request that keeps failing for a transient cause is retried and, after the last attempt, dead-lettered without a reply too — always wait with a timeout.',
    ].join('\n\n'),
    examples: [
      {
        name: 'creditGranting',
        summary: 'A partner about to grant credit',
        payload: { cpf: '12345678909', purpose: 'CREDIT_GRANTING' },
      },
    ],
  },
  [QUEUES.correctionNotices]: {
    kind: 'command',
    title: 'Tell the recipients of corrected data',
    summary:
      "A correction of data that clients received in the last six months; the bureau's notification service" +
      ' tells each of them.',
    description: [
      `Published by the API to \`${EXCHANGES.commands}\` with routing key \`${QUEUES.correctionNotices}\` after ` +
        'PATCH /v1/subjects/{cpf}/corrections stored a correction (CDC art. 43 §3: the recipients of wrong data are ' +
        'told within five working days; LGPD art. 18 §6).',
      '`recipients` are the verified clients whose successful reads in the last six months disclosed the corrected' +
        " field (an analysis shows name and debts, the consumer record all three), the data subject's own reads left" +
        ' out, each with its latest read. The corrected values are not in the message: a recipient reads them back' +
        ' over the API, under its own audit.',
      'It goes to the commands exchange, not to `' +
        EXCHANGES.events +
        '`, because it names a CPF and who consulted' +
        " it: it is for the bureau's notification service (outside this repository), which consumes the queue; the" +
        ' messages wait there, durable, until it does. Repeated identical corrections carry the same `correctionId`;' +
        ' de-duplicate by it.',
    ].join('\n\n'),
    examples: [
      {
        name: 'nameCorrected',
        summary: 'A name corrected after two partners had read it',
        payload: {
          correctionId: 'corr-3f1c0e9a5b7d4c2e8a6b1d0f9e8c7b6a',
          cpf: '12345678909',
          field: 'name',
          correctedAt: '2025-06-15T12:00:00.000Z',
          recipients: [
            { client: 'Banco Horizonte S.A.', lastReadAt: '2025-06-05T14:21:09.000Z' },
            { client: 'amqp:acme-financeira', lastReadAt: '2025-01-16T09:02:44.000Z' },
          ],
        },
      },
    ],
  },
  [EVENTS.transactionsIngested]: {
    kind: 'event',
    title: 'Transactions were stored',
    summary: 'At least one new transaction event of a batch was stored; lists the CPFs concerned.',
    description:
      'Published by the ingestion worker after the batch is committed, only when something new was stored (a fully duplicate batch publishes nothing). The rescore queue is bound to it. `batchId` is the id of the ingested batch.',
    examples: [
      {
        name: 'afterBatch',
        summary: 'After the mixedBatch example was ingested',
        headers: { [CAUSATION_HEADER]: BATCH_EXAMPLE.batchId },
        payload: { batchId: BATCH_EXAMPLE.batchId, cpfs: ['12345678909', '52998224725'] },
      },
    ],
  },
  [EVENTS.consumerDataChanged]: {
    kind: 'event',
    title: 'Consumer data changed',
    summary: 'The registration data or the rating features of consumers changed.',
    description:
      'Published after a change to a consumer (`CONSUMER`) or to its rating features (`RATING_FEATURES`) is committed. The rescore queue is bound to it.',
    examples: [
      {
        name: 'consumerUpdated',
        summary: 'A consumer record was updated through the API',
        payload: { cpfs: ['11144477735'], dataClass: 'CONSUMER' },
      },
      {
        name: 'featuresUpdated',
        summary: 'New rating features for a consumer',
        payload: { cpfs: ['39053344705'], dataClass: 'RATING_FEATURES' },
      },
    ],
  },
  [EVENTS.ratingChanged]: {
    kind: 'event',
    title: 'A credit rating changed',
    summary: 'A consumer was (re-)rated: new score, band, probability of default and model version.',
    description: [
      'Published after the new rating is stored. `previousScore` is `null` the first time a CPF is rated.',
      'Partners receive it by binding **their own** durable queue to the `' +
        EXCHANGES.events +
        '` topic exchange with the routing key `' +
        EVENTS.ratingChanged +
        '` (or a pattern such as `credit.rating.#`).',
      'Deliveries are at least once: de-duplicate by (`cpf`, `generatedAt`); the message_id is new on every publish. Ratings of different CPFs are not ordered; for one CPF, keep the one with the latest `generatedAt`.',
    ].join('\n\n'),
    examples: [
      {
        name: 'firstRating',
        summary: 'A CPF rated for the first time',
        payload: {
          cpf: '12345678909',
          score: 712,
          band: 'B',
          probabilityOfDefault: 0.0431,
          modelVersion: 'woe-logistic-v1',
          previousScore: null,
          generatedAt: '2025-06-01T10:00:04.512Z',
        },
      },
      {
        name: 'downgrade',
        summary: 'A score that fell after new transactions',
        headers: { [CAUSATION_HEADER]: BATCH_EXAMPLE.batchId },
        payload: {
          cpf: '52998224725',
          score: 455,
          band: 'D',
          probabilityOfDefault: 0.1873,
          modelVersion: 'woe-logistic-v1',
          previousScore: 538,
          generatedAt: '2025-06-01T10:00:05.020Z',
        },
      },
    ],
  },
};

const REPLY_DOC = {
  title: 'Credit analysis reply',
  summary: 'The answer to an analysis request: `ok: true` with the analysis, or `ok: false` with an error.',
  description:
    "`analysis` is the CreditAnalysis exactly as GET /v1/credit-analyses/{cpf} returns it (schema `CreditAnalysis` in openapi/openapi.json). The reply is published to the default exchange with the request's `reply_to` as routing key and its `correlation_id`; it is not persistent.",
  examples: [
    {
      name: 'answered',
      summary: 'An analysis (abridged: profile, debts and transactions are left out here)',
      payload: {
        ok: true,
        analysis: {
          cpf: '123.456.789-09',
          name: 'Maria da Silva',
          generatedAt: '2025-06-01T10:00:06.100Z',
          rating: {
            score: 712,
            band: 'B',
            probabilityOfDefault: 0.0431,
            reasonCodes: [],
            improvement: null,
            modelVersion: 'woe-logistic-v1',
            generatedAt: '2025-06-01T10:00:04.512Z',
          },
        },
      },
    },
    {
      name: 'notFound',
      summary: 'A CPF the platform has no consumer for',
      payload: {
        ok: false,
        error: { code: 'CONSUMER_NOT_FOUND', message: 'no consumer is registered under this CPF' },
      },
    },
    {
      name: 'invalidCpf',
      summary: 'A CPF whose check digits do not match',
      payload: { ok: false, error: { code: 'CPF_INVALID', message: 'check digits do not match', field: 'cpf' } },
    },
  ],
};

const INGEST_REPLY_DOC = {
  title: 'Ingest batch reply',
  summary:
    'Per event of a batch published with reply_to: STORED, DUPLICATE (already sent by this source) or' +
    ' REJECTED with the reason.',
  description:
    "Sent to the batch's `reply_to` with its `correlation_id` once the batch is committed, only when `reply_to` is" +
    ' set; without it, the outcome is the same and only dead letters tell of rejected events. A batch refused as a' +
    ' whole (`SOURCE_UNVERIFIED`, `SOURCE_NOT_ALLOWED`) is answered with `ok: false` and an `error`. Not persistent.',
  examples: [
    {
      name: 'mixed',
      summary: 'A re-sent event, a new one and an invalid one',
      payload: {
        ok: true,
        batchId: 'partner-acme-2025-06-01T10:00Z-0002',
        stored: 1,
        duplicates: 1,
        items: [
          { index: 0, eventId: 'acme:mov:771203', outcome: 'DUPLICATE' },
          { index: 1, eventId: 'acme:mov:771204', outcome: 'STORED' },
          {
            index: 2,
            eventId: 'acme:card:55121',
            outcome: 'REJECTED',
            code: 'SCHEMA_INVALID',
            field: 'events[2].mcc',
            reason: 'mcc: must match pattern "^\\d{4}$"',
          },
        ],
      },
    },
    {
      name: 'unverified',
      summary: 'A batch published without user_id',
      payload: {
        ok: false,
        error: {
          code: 'SOURCE_UNVERIFIED',
          message:
            'set the AMQP user_id property to the user your connection logs in as; the broker verifies it,' +
            ' and events are recorded under it',
          field: 'properties.user_id',
        },
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------------------------------
// Headers: the names come from libs/contracts; the transport does not validate headers, so their schemas are prose.
// ---------------------------------------------------------------------------------------------------------------------

const causationHeader = {
  type: 'string',
  description: 'Id of the message, batch or job that caused this one. Optional on what partners send.',
};
const retryCountHeader = {
  type: 'integer',
  minimum: 1,
  description: `Not used for counting: attempts come from the broker's x-death record. Kept in the schema so old dead letters still validate; a message arrives at most ${MAX_ATTEMPTS} times.`,
};

const DEAD_LETTER_HEADER_DOCS: Record<keyof typeof DEAD_LETTER_HEADERS, object> = {
  code: {
    type: 'string',
    description:
      'Stable code of the failure: `MESSAGE_MALFORMED` (body is not JSON), `SCHEMA_INVALID` (payload does not match the schema; for ingest batches also per event), `RETRIES_EXHAUSTED` (transient failure on every attempt), `DELIVERY_LIMIT` (a quorum queue handed it to consumers that stopped before settling it more often than its delivery limit), `NO_HANDLER`, or the code of a domain error such as `CPF_INVALID`.',
    examples: ['SCHEMA_INVALID'],
  },
  reason: {
    type: 'string',
    description: 'Human-readable reason, with CPFs masked.',
    examples: ['events[0].amountCents: must be integer'],
  },
  field: {
    type: 'string',
    description:
      'Path of the offending field when known. For per-event dead letters of an ingest batch it is the position in the **original** batch (e.g. `events[7].cpf`), not in the one-event dead letter.',
    examples: ['events[2].mcc'],
  },
  originalQueue: {
    type: 'string',
    description: 'Queue the message was taken from; the replay command sends it back there.',
    examples: [QUEUES.ingestTransactions],
  },
  attempts: {
    type: 'integer',
    minimum: 1,
    description: 'How many times the message was attempted before it was dead-lettered.',
    examples: [MAX_ATTEMPTS],
  },
  failedAt: { type: 'string', format: 'date-time', description: 'When the message was dead-lettered (UTC).' },
  originalUserId: {
    type: 'string',
    description:
      'The verified AMQP user_id of the original message, when it had one: the dead letter is published' +
      " under the platform's user, so a replay of an ingest batch records its events under this sender again.",
    examples: ['acme-financeira'],
  },
};

function headerSchemas() {
  const deadLetterProps = Object.fromEntries(
    Object.entries(DEAD_LETTER_HEADERS).map(([key, header]) => [
      header,
      DEAD_LETTER_HEADER_DOCS[key as keyof typeof DEAD_LETTER_HEADERS],
    ]),
  );
  return {
    CommandHeaders: {
      type: 'object',
      description: 'AMQP headers table of a command.',
      properties: { [CAUSATION_HEADER]: causationHeader, [RETRY_COUNT_HEADER]: retryCountHeader },
    },
    EventHeaders: {
      type: 'object',
      description: 'AMQP headers table of an event.',
      properties: { [CAUSATION_HEADER]: causationHeader },
    },
    DeadLetterHeaders: {
      type: 'object',
      description:
        "AMQP headers table of a dead letter: the original headers plus the reason. Messages that went through a retry queue also carry the broker's own `x-death` (and `x-first-death-*`) headers.",
      required: [
        DEAD_LETTER_HEADERS.code,
        DEAD_LETTER_HEADERS.reason,
        DEAD_LETTER_HEADERS.originalQueue,
        DEAD_LETTER_HEADERS.attempts,
        DEAD_LETTER_HEADERS.failedAt,
      ],
      properties: {
        ...deadLetterProps,
        [CAUSATION_HEADER]: causationHeader,
        [RETRY_COUNT_HEADER]: retryCountHeader,
        'x-death': {
          type: 'array',
          description: 'Set by RabbitMQ when the message passed through a retry queue.',
          items: { type: 'object' },
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------------------------------

/** The exported name of a schema object in libs/contracts, so components are named as the code names them. */
function schemaName(schema: object): string {
  const entry = Object.entries(Schemas).find(([, s]) => s === schema);
  if (!entry) throw new Error('a message schema is not exported from libs/contracts/src/schemas.ts');
  return entry[0];
}

function keyOf(record: Record<string, string>, value: string): string {
  return Object.entries(record).find(([, v]) => v === value)![0];
}

const ref = (path: string) => ({ $ref: path });
const amqpQueue = (q: DeclaredQueue) => ({
  is: 'queue',
  queue: { name: q.name, durable: q.durable, exclusive: q.exclusive, autoDelete: q.autoDelete, vhost: VHOST },
  bindingVersion: BINDING_VERSION,
});
const amqpRoutingKey = (e: DeclaredExchange) => ({
  is: 'routingKey',
  exchange: { name: e.name, type: e.type, durable: e.durable, autoDelete: e.autoDelete, vhost: VHOST },
  bindingVersion: BINDING_VERSION,
});
const deadLettered = (message: string) => `${message}DeadLettered`;

function deadLetterExample(pattern: string, example: Example): Example {
  const failures: Record<string, Record<string, unknown>> = {
    [QUEUES.ingestTransactions]: {
      [DEAD_LETTER_HEADERS.code]: 'SCHEMA_INVALID',
      [DEAD_LETTER_HEADERS.reason]: 'mcc: must match pattern "^\\d{4}$"',
      [DEAD_LETTER_HEADERS.field]: 'events[2].mcc',
      [DEAD_LETTER_HEADERS.attempts]: 1,
    },
  };
  const failure = failures[pattern] ?? {
    [DEAD_LETTER_HEADERS.code]: 'RETRIES_EXHAUSTED',
    [DEAD_LETTER_HEADERS.reason]: `failed ${MAX_ATTEMPTS} times; last error: connection terminated unexpectedly`,
    [DEAD_LETTER_HEADERS.attempts]: MAX_ATTEMPTS,
    [RETRY_COUNT_HEADER]: MAX_ATTEMPTS - 1,
  };
  // The ingest DLQ holds one invalid event per dead letter (see the ingestion worker): a one-event batch whose
  // envelope is valid.
  const payload =
    pattern === QUEUES.ingestTransactions
      ? { batchId: BATCH_EXAMPLE.batchId, events: [{ ...BATCH_EXAMPLE.events[2], mcc: '541' }] }
      : example.payload;
  return {
    name: `${example.name}DeadLettered`,
    summary: `${example.summary}, dead-lettered (${String(failure[DEAD_LETTER_HEADERS.code])})`,
    headers: {
      ...example.headers,
      ...failure,
      [DEAD_LETTER_HEADERS.originalQueue]: pattern,
      [DEAD_LETTER_HEADERS.failedAt]: '2025-06-01T10:00:09.877Z',
    },
    payload,
  };
}

function messageObject(pattern: string, name: string, doc: MessageDoc, deadLetter: boolean) {
  return {
    name: deadLetter ? deadLettered(name) : name,
    title: deadLetter ? `${doc.title} (dead letter)` : doc.title,
    summary: deadLetter
      ? `Could not be processed; kept in ${deadLetterQueue(pattern)} with the reason in its headers.`
      : doc.summary,
    description: deadLetter
      ? `${pattern === QUEUES.ingestTransactions ? 'Either a whole batch whose envelope could not be processed (same body and properties as sent), or one invalid event of a batch as a one-event batch `{ batchId, events: [event] }` (new message_id, x-attempts 1)' : 'The original message (same body and properties)'} plus the dead-letter headers. Inspect with \`npm run dlq -- list ${pattern}\`; after fixing the cause, \`npm run dlq -- replay ${pattern}\` sends it back to \`${pattern}\`.`
      : doc.description,
    contentType: 'application/json',
    correlationId: ref('#/components/correlationIds/correlationId'),
    headers: ref(
      `#/components/schemas/${deadLetter ? 'DeadLetterHeaders' : doc.kind === 'command' ? 'CommandHeaders' : 'EventHeaders'}`,
    ),
    payload: ref(`#/components/schemas/${name}`),
    bindings: { amqp: { messageType: pattern, bindingVersion: BINDING_VERSION } },
    tags: [{ name: doc.kind }, ...(deadLetter ? [{ name: 'dead-letter' }] : [])],
    examples: (deadLetter ? doc.examples.slice(0, 1).map((e) => deadLetterExample(pattern, e)) : doc.examples).map(
      ({ name: exampleName, summary, headers, payload }) => ({
        name: exampleName,
        summary,
        ...(headers ? { headers } : {}),
        payload,
      }),
    ),
  };
}

function description(
  topology: DeclaredTopology,
  messages: Record<string, { name: string; examples: Example[] }>,
): string {
  const exchanges = [...topology.exchanges.values()].map(
    (e) =>
      `| \`${e.name}\` | ${e.type} | ${e.durable ? 'yes' : 'no'} | ${e.name === EXCHANGES.commands ? 'commands; the routing key is the queue name (topic, so that each partner may publish only the keys it was granted)' : 'events; bind your own queue with a routing key you were granted'} |`,
  );
  const queues = [...topology.queues.values()].map((q) => {
    const bindings = topology.bindings
      .filter((b) => b.queue === q.name)
      .map((b) => `\`${b.exchange}\` → \`${b.routingKey}\``);
    const args = Object.entries(q.arguments).map(([k, v]) => `\`${k}=${v === '' ? "''" : String(v)}\``);
    return `| \`${q.name}\` | ${bindings.join('<br>') || '—'} | ${args.join(' ') || '—'} |`;
  });
  const example = (pattern: string) => JSON.stringify(messages[pattern].examples[0].payload, null, 2);
  const publishExample = JSON.stringify({ ...BATCH_EXAMPLE, events: BATCH_EXAMPLE.events.slice(0, 1) }, null, 2);
  return `Messaging interface of the Credit Analysis Data platform over RabbitMQ (AMQP 0-9-1). Partners **send** batches of transaction events and **request credit analyses** (request/reply), and **receive** rating changes on their own queue. Operations tagged \`internal\` describe what the platform's own processes exchange; they are documented so the whole topology is visible, not for partners to use.

This document is generated from the code (\`npm run asyncapi:export\`): the payload schemas are the very JSON Schemas that validate every message when it is consumed, and the exchanges, queues and bindings are those the applications declare on start.

## Conventions

* Bodies are UTF-8 JSON, \`content_type: application/json\`. Money is integer BRL cents, times ISO-8601 (UTC on what we publish), CPFs 11 digits or formatted \`000.000.000-00\` with valid check digits.
* AMQP properties we set and honour: \`message_id\`, \`correlation_id\` (copied from a request to its reply, and carried into the commands and events a message causes), \`reply_to\`, \`type\` (the routing key), \`timestamp\`, \`delivery_mode\`. Headers: \`${CAUSATION_HEADER}\`, \`${RETRY_COUNT_HEADER}\` and the dead-letter headers below.
* Names carry a version (\`.v1\`): a breaking change is a new routing key and queue, run side by side with the old one. Ignore fields you do not know: event schemas do not forbid additional properties.

${gettingConnected(RETRY_DELAY_MS, MAX_ATTEMPTS)}
## Topology

| Exchange | Type | Durable | Use |
|---|---|---|---|
${exchanges.join('\n')}

| Queue (all durable) | Bound to (exchange → routing key) | Arguments |
|---|---|---|
${queues.join('\n')}

Every work queue \`Q\` has \`Q.retry\` (messages wait there, then dead-letter back into \`Q\`) and \`Q.dlq\` (kept for an operator).

## Delivery guarantees

* **Persistent**: exchanges and queues are durable and the platform publishes with \`delivery_mode: 2\`, so an accepted message survives a broker restart. Publish yours persistent too.
* **Publisher confirms**: the platform's publishers wait for the broker's confirm before they report success (holding a message while the broker is away, up to a timeout). Partners should publish on a confirm channel with \`mandatory: true\` and treat a message as sent only once it is confirmed and not returned.
* **Manual ack after commit**: a consumer acknowledges a message only after its work is committed (and, for a request, after the reply is sent). If a process dies before that, the broker redelivers the message. Delivery is therefore **at least once**.
* **Idempotency**: every transaction event carries an \`eventId\` unique at its source, the verified sender; storing is idempotent per (source, \`eventId\`), so re-sending a batch after a timeout or an unconfirmed publish never duplicates an event, and two partners' ids never collide. Re-scoring and regeneration jobs are safe to repeat. De-duplicate rating-changed events by (\`cpf\`, \`generatedAt\`).
* **Events are notifications, published after the change is committed** — not in the same transaction. If the broker stays unreachable beyond the publish timeout, or the process stops between the commit and the publish, that event is not sent (the change itself is kept; the next change or a regeneration job publishes the rating again). Nothing is retained on \`${EXCHANGES.events}\` for a queue that is not bound yet: bind your queue before you rely on its events. Treat events as the fast path and reconcile over REST (GET /v1/credit-analyses/{cpf}) when you must be sure.

## Retries

A failure of a transient kind (database or broker unavailable, timeout, any unexpected error) is retried, bounded: the consumer rejects the message, the broker dead-letters it into \`Q.retry\` (every work queue is declared with \`x-dead-letter-routing-key: Q.retry\`), it waits **${RETRY_DELAY_MS / 1000} s** (the queue's \`x-message-ttl\` of ${RETRY_DELAY_MS} ms) and is dead-lettered by the broker back into \`Q\`. Attempts are counted from the broker's own \`x-death\` record, so no header a publisher sets can change them. After **${MAX_ATTEMPTS} attempts** in all it is dead-lettered with code \`RETRIES_EXHAUSTED\`. Permanent failures are never retried: a body that is not JSON, a payload that does not match its schema, a domain rule (e.g. a CPF with wrong check digits) or an unknown CPF go straight to \`Q.dlq\`. A partner's batch of events, debt reports or consumer records that is dead-lettered as a whole is also answered on the partner's receipts queue, with the same code. On a RabbitMQ cluster every queue is a quorum queue (\`x-queue-type: quorum\`, replicated on the nodes, with at-least-once dead-lettering between \`Q\` and \`Q.retry\`; a message the broker handed to consumers that vanished before settling it \`RABBITMQ_DELIVERY_LIMIT\` times, as its \`x-delivery-count\` says, is dead-lettered with code \`DELIVERY_LIMIT\`); the queues listed here show the single-node declaration, and the routing is the same.

## Dead-lettering

A dead letter is a copy of the original message (same body, \`message_id\`, \`correlation_id\`, headers) published to \`Q.dlq\` (confirmed before the original is acknowledged) with these headers:

| Header | Meaning |
|---|---|
${Object.entries(DEAD_LETTER_HEADERS)
  .map(
    ([key, header]) =>
      `| \`${header}\` | ${(DEAD_LETTER_HEADER_DOCS[key as keyof typeof DEAD_LETTER_HEADERS] as { description: string }).description} |`,
  )
  .join('\n')}

In an ingest batch, each invalid event is dead-lettered on its own — a one-event batch \`{ batchId, events: [event] }\` with a new \`message_id\` and \`${DEAD_LETTER_HEADERS.attempts}: 1\` — while the valid events are stored. An analysis request that fails for a domain reason is **answered** with \`ok: false\` instead of dead-lettered. Operators list dead letters with \`npm run dlq -- list [queue]\` and send them back after a fix with \`npm run dlq -- replay <queue> [--limit N] [--code CODE]\` (headers stripped, retry count reset).

## Worked example for a partner

The snippets use Node.js and [amqplib](https://amqp-node.github.io/amqplib/); any AMQP 0-9-1 client works the same way.

**1. Publish a batch of transaction events** to \`${EXCHANGES.commands}\` with routing key \`${QUEUES.ingestTransactions}\`:

\`\`\`js
const amqp = require('amqplib');
const connection = await amqp.connect('amqp://USER:PASSWORD@HOST:5672');
const channel = await connection.createConfirmChannel();
channel.on('return', (msg) => console.error('unroutable', msg.properties.messageId));
const batch = ${publishExample};
channel.publish('${EXCHANGES.commands}', '${QUEUES.ingestTransactions}', Buffer.from(JSON.stringify(batch)), {
  persistent: true, mandatory: true, contentType: 'application/json',
  messageId: batch.batchId, correlationId: batch.batchId, type: '${QUEUES.ingestTransactions}',
  userId: 'acme-financeira', // the user this connection logged in as; your events are recorded under it
});
await channel.waitForConfirms(); // safe to re-send on failure: events are idempotent per source by eventId
\`\`\`

**2. Receive rating changes** on your own durable queue bound to \`${EXCHANGES.events}\`:

\`\`\`js
const queue = '${partnerQueuePrefix(EXAMPLE_PARTNER)}rating-changes'; // your queues start with partner.<your user>.
await channel.assertQueue(queue, { durable: true });
await channel.bindQueue(queue, '${EXCHANGES.events}', '${EVENTS.ratingChanged}');
await channel.prefetch(50);
await channel.consume(queue, async (msg) => {
  const rating = JSON.parse(msg.content.toString('utf8'));
  await saveIfNewer(rating); // at least once: keep the latest generatedAt per cpf
  channel.ack(msg);
});
\`\`\`

A message looks like:

\`\`\`json
${example(EVENTS.ratingChanged)}
\`\`\`

**3. Request an analysis** and wait for the reply (here with RabbitMQ's direct reply-to; an exclusive queue of your own works too):

\`\`\`js
const correlationId = crypto.randomUUID();
let answer;
const reply = new Promise((resolve, reject) => {
  answer = resolve;
  setTimeout(() => reject(new Error('no reply: request invalid or platform unavailable')), 10_000);
});
// Direct reply-to: consume (no-ack) before publishing, on the channel you publish the request on.
await channel.consume('amq.rabbitmq.reply-to', (msg) => {
  if (msg.properties.correlationId === correlationId) answer(JSON.parse(msg.content.toString('utf8')));
}, { noAck: true });
const request = ${example(QUEUES.analysisRequests)};
channel.publish('${EXCHANGES.commands}', '${QUEUES.analysisRequests}', Buffer.from(JSON.stringify(request)), {
  contentType: 'application/json', correlationId, replyTo: 'amq.rabbitmq.reply-to', mandatory: true,
  messageId: correlationId, // one inquiry however often it is delivered
  userId: 'acme-financeira', // the user this connection logged in as; the broker checks it
});
const { ok, analysis, error } = await reply; // ok: false → error.code, error.message, error.field
\`\`\`

${feedsExample()}`;
}

async function buildAsyncApi(): Promise<Record<string, unknown>> {
  const topology = await recordTopology();
  const patterns = Object.keys(MESSAGE_SCHEMAS);
  const missing = patterns.filter((p) => !MESSAGE_DOCS[p]);
  if (missing.length)
    throw new Error(
      `document these message patterns in scripts/export-asyncapi.ts (MESSAGE_DOCS): ${missing.join(', ')}`,
    );

  const names = Object.fromEntries(patterns.map((p) => [p, schemaName(MESSAGE_SCHEMAS[p])]));
  const replyName = schemaName(Schemas.AnalysisReplyV1);
  const ingestReplyName = schemaName(Schemas.IngestReplyV1);
  const receiptName = schemaName(Schemas.BatchReceiptV1);

  const messages: Record<string, unknown> = {};
  for (const pattern of patterns)
    messages[names[pattern]] = messageObject(pattern, names[pattern], MESSAGE_DOCS[pattern], false);
  for (const queue of Object.values(QUEUES))
    messages[deadLettered(names[queue])] = messageObject(queue, names[queue], MESSAGE_DOCS[queue], true);
  messages[replyName] = {
    name: replyName,
    ...REPLY_DOC,
    contentType: 'application/json',
    correlationId: ref('#/components/correlationIds/correlationId'),
    payload: ref(`#/components/schemas/${replyName}`),
    tags: [{ name: 'reply' }],
  };
  messages[ingestReplyName] = {
    name: ingestReplyName,
    ...INGEST_REPLY_DOC,
    contentType: 'application/json',
    correlationId: ref('#/components/correlationIds/correlationId'),
    payload: ref(`#/components/schemas/${ingestReplyName}`),
    tags: [{ name: 'reply' }],
  };

  messages[receiptName] = {
    name: receiptName,
    ...RECEIPT_DOC,
    contentType: 'application/json',
    correlationId: ref('#/components/correlationIds/correlationId'),
    payload: ref(`#/components/schemas/${receiptName}`),
    tags: [{ name: 'receipt' }],
  };

  const schemas: Record<string, unknown> = {};
  for (const pattern of patterns) schemas[names[pattern]] = MESSAGE_SCHEMAS[pattern];
  schemas[replyName] = Schemas.AnalysisReplyV1;
  schemas[ingestReplyName] = Schemas.IngestReplyV1;
  schemas.TransactionEvent = Schemas.TransactionEventSchema;
  schemas.BureauInquiryEvent = Schemas.BureauInquiryEvent;
  schemas.FinancialMovementEvent = Schemas.FinancialMovementEvent;
  schemas.CardPurchaseEvent = Schemas.CardPurchaseEvent;
  schemas[receiptName] = Schemas.BatchReceiptV1;
  for (const item of [
    Schemas.RegisterDebtReport,
    Schemas.UpdateDebtAmountReport,
    Schemas.PayDebtReport,
    Schemas.RenegotiateDebtReport,
    Schemas.RemoveDebtReport,
    Schemas.ConsumerRecord,
    Schemas.AddressRecord,
  ]) {
    schemas[schemaName(item)] = item;
  }
  schemas.DebtReport = Schemas.DebtReportSchema;
  Object.assign(schemas, headerSchemas());

  const exchange = (name: string) => {
    const e = topology.exchanges.get(name);
    if (!e) throw new Error(`exchange ${name} is not declared by assertTopology`);
    return e;
  };
  const queue = (name: string) => {
    const q = topology.queues.get(name);
    if (!q) throw new Error(`queue ${name} is not declared by assertTopology`);
    return q;
  };
  const msgRefs = (...ns: string[]) => Object.fromEntries(ns.map((n) => [n, ref(`#/components/messages/${n}`)]));
  const queueExtras = (q: DeclaredQueue) => ({
    ...(Object.keys(q.arguments).length ? { 'x-arguments': q.arguments } : {}),
    ...(topology.bindings.some((b) => b.queue === q.name)
      ? {
          'x-bindings': topology.bindings
            .filter((b) => b.queue === q.name)
            .map(({ exchange: ex, routingKey }) => ({ exchange: ex, routingKey })),
        }
      : {}),
  });

  const channels: Record<string, unknown> = {};
  const servers = [ref('#/servers/rabbitmq')];
  for (const [key, q] of Object.entries(QUEUES)) {
    // The rescore queue also receives, through its event bindings, messages published under other names.
    const boundEvents = topology.bindings
      .filter((b) => b.queue === q && b.exchange === EXCHANGES.events)
      .map((b) => names[b.routingKey]);
    const work = queue(q);
    channels[`${key}Command`] = {
      address: q,
      title: `${MESSAGE_DOCS[q].title} — routing key`,
      summary: `Publish to exchange ${EXCHANGES.commands} with routing key ${q}.`,
      servers,
      messages: msgRefs(names[q]),
      bindings: { amqp: amqpRoutingKey(exchange(EXCHANGES.commands)) },
    };
    channels[`${key}Queue`] = {
      address: q,
      title: `${q} (queue)`,
      summary: `Work queue consumed by the platform${boundEvents.length ? `; also receives ${boundEvents.join(', ')} through its bindings on ${EXCHANGES.events}` : ''}.`,
      servers,
      messages: msgRefs(names[q], ...boundEvents),
      bindings: { amqp: { ...amqpQueue(work), ...queueExtras(work) } },
    };
    const retry = queue(retryQueue(q));
    channels[`${key}RetryQueue`] = {
      address: retry.name,
      title: `${retry.name} (retry queue)`,
      summary: `Holds a message ${RETRY_DELAY_MS} ms after a transient failure, then the broker dead-letters it back into ${q}. Not consumed by anyone.`,
      servers,
      messages: msgRefs(names[q], ...boundEvents),
      bindings: { amqp: { ...amqpQueue(retry), ...queueExtras(retry) } },
    };
    const dlq = queue(deadLetterQueue(q));
    channels[`${key}DeadLetterQueue`] = {
      address: dlq.name,
      title: `${dlq.name} (dead-letter queue)`,
      summary: `Messages of ${q} that could not be processed, with the reason in their headers; kept until an operator replays or purges them.`,
      servers,
      messages: msgRefs(deadLettered(names[q])),
      bindings: { amqp: { ...amqpQueue(dlq), ...queueExtras(dlq) } },
    };
  }
  for (const [key, e] of Object.entries(EVENTS)) {
    const consumers = topology.bindings
      .filter((b) => b.exchange === EXCHANGES.events && b.routingKey === e)
      .map((b) => b.queue);
    channels[`${key}Event`] = {
      address: e,
      title: `${MESSAGE_DOCS[e].title} — routing key`,
      summary: `Published to exchange ${EXCHANGES.events} with routing key ${e}.${consumers.length ? ` Bound internally to ${consumers.join(', ')}.` : ''}`,
      servers,
      messages: msgRefs(names[e]),
      bindings: { amqp: amqpRoutingKey(exchange(EXCHANGES.events)) },
    };
  }
  channels.analysisReplies = {
    address: null,
    title: 'Analysis replies (your reply_to queue)',
    summary:
      "The queue named in the request's reply_to: your own exclusive queue or amq.rabbitmq.reply-to. Replies go through the default exchange.",
    servers,
    messages: msgRefs(replyName),
  };
  channels.partnerReceipts = {
    address: receiptsQueue('{partner}'),
    title: 'Your receipts queue',
    summary: 'One receipt per batch you send, created with your broker user; only you may read it.',
    servers,
    parameters: {
      partner: { description: `Your broker user (${PARTNER_NAME_PATTERN.source})`, examples: [EXAMPLE_PARTNER] },
    },
    messages: msgRefs(receiptName),
  };
  channels.ingestReplies = {
    address: null,
    title: 'Ingest replies (your reply_to queue)',
    summary:
      "The queue named in an ingest batch's reply_to, when it names one. Replies go through the default" + ' exchange.',
    servers,
    messages: msgRefs(ingestReplyName),
  };

  const chan = (id: string) => ref(`#/channels/${id}`);
  const chanMsg = (id: string, name: string) => ref(`#/channels/${id}/messages/${name}`);
  const q = (v: string) => keyOf(QUEUES, v);
  const ev = (v: string) => keyOf(EVENTS, v);
  const partner = [{ name: 'partner' }];
  const internal = [{ name: 'internal' }];
  const publishBinding = { amqp: { deliveryMode: 2, mandatory: true, bindingVersion: BINDING_VERSION } };
  const consumeBinding = { amqp: { ack: true, bindingVersion: BINDING_VERSION } };
  const internalPublish = { amqp: { deliveryMode: 2, timestamp: true, bindingVersion: BINDING_VERSION } };
  const reply = {
    address: { location: '$message.header#/reply_to', description: 'The AMQP `reply_to` property of the request.' },
    channel: chan('analysisReplies'),
    messages: [chanMsg('analysisReplies', replyName)],
  };

  const ingestReply = {
    address: {
      location: '$message.header#/reply_to',
      description: 'The AMQP `reply_to` property of the batch, when set.',
    },
    channel: chan('ingestReplies'),
    messages: [chanMsg('ingestReplies', ingestReplyName)],
  };
  const notices = q(QUEUES.correctionNotices);
  const debtNotices = q(QUEUES.debtNotices);
  const debts = q(QUEUES.debtReports);
  const records = q(QUEUES.consumerRecords);
  const receipt = (what: string) => ({
    address: {
      location: '$message.header#/user_id',
      description: `Your receipts queue, ${receiptsQueue('<user_id>')}, for ${what}.`,
    },
    channel: chan('partnerReceipts'),
    messages: [chanMsg('partnerReceipts', receiptName)],
  });
  const ingest = q(QUEUES.ingestTransactions);
  const analysis = q(QUEUES.analysisRequests);
  const regenerate = q(QUEUES.regenerateRatings);
  const partition = q(QUEUES.ratePartition);
  const rescore = q(QUEUES.rescoreConsumers);
  const operations = {
    sendTransactionBatch: {
      action: 'send',
      channel: chan(`${ingest}Command`),
      title: 'Send a batch of transaction events',
      summary: 'Partners publish batches of up to 1000 transaction events.',
      description:
        'Publish persistent on a confirm channel with `user_id` set to your broker user; a batch that is' +
        ' not confirmed (or is returned) can be re-sent safely, since events are idempotent per source by `eventId`.' +
        ' Set `reply_to` to learn per event what was stored, a duplicate or rejected.',
      tags: partner,
      bindings: publishBinding,
      messages: [chanMsg(`${ingest}Command`, names[QUEUES.ingestTransactions])],
      reply: ingestReply,
    },
    sendDebtReports: {
      action: 'send',
      channel: chan(`${debts}Command`),
      title: 'Report debts in bulk',
      summary: 'Creditors register, update, pay, renegotiate and remove debts, up to 1000 reports a batch.',
      description:
        'Publish persistent on a confirm channel with `user_id` set to your broker user. Re-sending is' +
        ' harmless: a debt is named by your CNPJ, your contract id and the CPF. The receipt lists every report not' +
        ' applied.',
      tags: partner,
      bindings: publishBinding,
      messages: [chanMsg(`${debts}Command`, names[QUEUES.debtReports])],
      reply: receipt('the batch of debt reports'),
    },
    sendConsumerRecords: {
      action: 'send',
      channel: chan(`${records}Command`),
      title: 'Send consumer records in bulk',
      summary: 'Create consumers or replace their name and address, up to 1000 records a batch.',
      description:
        'Publish persistent on a confirm channel with `user_id` set to your broker user; wait for the' +
        ' receipt before you report debts of new consumers.',
      tags: partner,
      bindings: publishBinding,
      messages: [chanMsg(`${records}Command`, names[QUEUES.consumerRecords])],
      reply: receipt('the batch of consumer records'),
    },
    receiveReceipts: {
      action: 'receive',
      channel: chan('partnerReceipts'),
      title: 'Receive the receipts of your batches',
      summary:
        `Consume ${receiptsQueue('<your user>')} with manual acks: one receipt per batch of events, debt` +
        ' reports or consumer records.',
      tags: partner,
      bindings: consumeBinding,
      messages: [chanMsg('partnerReceipts', receiptName)],
    },
    consumeDebtReports: {
      action: 'receive',
      channel: chan(`${debts}Queue`),
      title: 'Ingestion worker applies debt reports',
      summary:
        'Batches arriving together are applied in one transaction; receipts and notices are sent before the' + ' acks.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${debts}Queue`, names[QUEUES.debtReports])],
      reply: receipt('each batch'),
    },
    consumeConsumerRecords: {
      action: 'receive',
      channel: chan(`${records}Queue`),
      title: 'Ingestion worker stores consumer records',
      summary: 'Batches arriving together are written in one statement; receipts are sent before the acks.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${records}Queue`, names[QUEUES.consumerRecords])],
      reply: receipt('each batch'),
    },
    sendDebtNotice: {
      action: 'send',
      channel: chan(`${debtNotices}Command`),
      title: 'Platform tells a consumer of newly registered debts',
      summary: 'After debts are registered, before the notice period starts to run.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${debtNotices}Command`, names[QUEUES.debtNotices])],
    },
    receiveDebtNotices: {
      action: 'receive',
      channel: chan(`${debtNotices}Queue`),
      title: 'Mailing system sends the letters',
      summary: "The operator's mailing system (outside this repository) sends one letter per noticeId.",
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${debtNotices}Queue`, names[QUEUES.debtNotices])],
    },
    requestAnalysis: {
      action: 'send',
      channel: chan(`${analysis}Command`),
      title: 'Request a credit analysis',
      summary: 'Request/reply: the analysis comes back on your reply_to queue with your correlation_id.',
      description:
        'Wait for the reply with a timeout: a request that does not match the schema, or that fails on every attempt, is dead-lettered without a reply.',
      tags: partner,
      bindings: { amqp: { mandatory: true, bindingVersion: BINDING_VERSION } },
      messages: [chanMsg(`${analysis}Command`, names[QUEUES.analysisRequests])],
      reply,
    },
    receiveRatingChanged: {
      action: 'receive',
      channel: chan(`${ev(EVENTS.ratingChanged)}Event`),
      title: 'Receive rating changes',
      summary: `Bind your own durable queue to ${EXCHANGES.events} with routing key ${EVENTS.ratingChanged} and consume it with manual acks.`,
      description:
        'Events published while no queue of yours is bound are not kept for you. Deliveries are at least once: de-duplicate by (`cpf`, `generatedAt`).',
      tags: partner,
      bindings: consumeBinding,
      messages: [chanMsg(`${ev(EVENTS.ratingChanged)}Event`, names[EVENTS.ratingChanged])],
    },
    consumeTransactionBatches: {
      action: 'receive',
      channel: chan(`${ingest}Queue`),
      title: 'Ingestion worker stores transaction batches',
      summary:
        'Stores valid events idempotently per source, dead-letters each invalid event on its own, replies per' +
        ' event when asked, acks after commit.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${ingest}Queue`, names[QUEUES.ingestTransactions])],
      reply: ingestReply,
    },
    sendCorrectionNotice: {
      action: 'send',
      channel: chan(`${notices}Command`),
      title: 'API tells of a correction whose wrong data was received',
      summary: 'After a correction, when clients received the corrected data in the last six months.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${notices}Command`, names[QUEUES.correctionNotices])],
    },
    receiveCorrectionNotices: {
      action: 'receive',
      channel: chan(`${notices}Queue`),
      title: 'Notification service tells each recipient',
      summary:
        "The bureau's notification service (outside this repository) consumes the queue and contacts every" +
        ' recipient listed.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${notices}Queue`, names[QUEUES.correctionNotices])],
    },
    answerAnalysisRequests: {
      action: 'receive',
      channel: chan(`${analysis}Queue`),
      title: 'API answers analysis requests',
      summary: 'Computes the analysis, replies to reply_to, then acks.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${analysis}Queue`, names[QUEUES.analysisRequests])],
      reply,
    },
    sendRegenerateRatings: {
      action: 'send',
      channel: chan(`${regenerate}Command`),
      title: 'API starts a regeneration job',
      summary: 'Sent when a job is created through POST /v1/ratings/regenerations.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${regenerate}Command`, names[QUEUES.regenerateRatings])],
    },
    consumeRegenerateRatings: {
      action: 'receive',
      channel: chan(`${regenerate}Queue`),
      title: 'Rating worker fans a job out into partitions',
      summary: 'Sends a partition message for every partition of the job still to do, then acks.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${regenerate}Queue`, names[QUEUES.regenerateRatings])],
    },
    sendRatePartition: {
      action: 'send',
      channel: chan(`${partition}Command`),
      title: 'Rating worker sends the partitions of a job',
      summary: 'One persistent message per partition, confirmed by the broker.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${partition}Command`, names[QUEUES.ratePartition])],
    },
    consumeRatePartition: {
      action: 'receive',
      channel: chan(`${partition}Queue`),
      title: 'Rating workers rate partitions',
      summary: 'Each worker leases a partition, rates it in windows and acks once its run is completed.',
      tags: internal,
      bindings: consumeBinding,
      messages: [chanMsg(`${partition}Queue`, names[QUEUES.ratePartition])],
    },
    consumeRescoreConsumers: {
      action: 'receive',
      channel: chan(`${rescore}Queue`),
      title: 'Rating worker re-scores consumers',
      summary:
        'Takes explicit rescore requests and the transactions-ingested and consumer-changed events bound to the queue.',
      tags: internal,
      bindings: consumeBinding,
      messages: Object.keys((channels[`${rescore}Queue`] as { messages: object }).messages).map((n) =>
        chanMsg(`${rescore}Queue`, n),
      ),
    },
    publishTransactionsIngested: {
      action: 'send',
      channel: chan(`${ev(EVENTS.transactionsIngested)}Event`),
      title: 'Ingestion worker announces stored transactions',
      summary: 'After a batch stored at least one new event.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${ev(EVENTS.transactionsIngested)}Event`, names[EVENTS.transactionsIngested])],
    },
    publishConsumerDataChanged: {
      action: 'send',
      channel: chan(`${ev(EVENTS.consumerDataChanged)}Event`),
      title: 'API announces a consumer or feature change',
      summary: 'After a consumer or its rating features were changed.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${ev(EVENTS.consumerDataChanged)}Event`, names[EVENTS.consumerDataChanged])],
    },
    publishRatingChanged: {
      action: 'send',
      channel: chan(`${ev(EVENTS.ratingChanged)}Event`),
      title: 'Rating worker announces a new rating',
      summary: 'After a new rating is stored.',
      tags: internal,
      bindings: internalPublish,
      messages: [chanMsg(`${ev(EVENTS.ratingChanged)}Event`, names[EVENTS.ratingChanged])],
    },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Credit Analysis Data API — messaging',
      version: '1.0.0',
      description: description(
        topology,
        Object.fromEntries(patterns.map((p) => [p, { name: names[p], examples: MESSAGE_DOCS[p].examples }])),
      ),
      license: { name: 'MIT' },
      tags: [
        { name: 'partner', description: "Operations partners perform, described from the partner's side." },
        {
          name: 'internal',
          description:
            "What the platform's own processes exchange; documented for completeness, not for partners to use.",
        },
      ],
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: '{host}',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        title: 'RabbitMQ broker',
        description: "The platform's RabbitMQ, virtual host `/`.",
        variables: {
          host: {
            default: '127.0.0.1:5672',
            description: 'host:port of the broker',
            examples: ['127.0.0.1:5672', 'rabbitmq:5672'],
          },
        },
        security: [ref('#/components/securitySchemes/userPassword')],
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages,
      correlationIds: {
        correlationId: {
          description:
            'The AMQP `correlation_id` property: copied from a request to its reply, and carried into the commands and events a message causes.',
          location: '$message.header#/correlation_id',
        },
      },
      securitySchemes: {
        userPassword: {
          type: 'userPassword',
          description:
            'A RabbitMQ user and password per partner (`npm run partner -- create`), with least-privilege' +
            ` permissions: see "Getting connected". Your queues are named ${partnerQueuePrefix('<user>')}…`,
        },
      },
    },
  };
}

/** The document as it is checked in: YAML without anchors (schemas shared between messages are written out in full). */
export async function renderAsyncApi(): Promise<string> {
  const document = await buildAsyncApi();
  const header =
    '# Generated by scripts/export-asyncapi.ts from libs/contracts and the RabbitMQ topology; do not edit.\n# Regenerate with `npm run asyncapi:export`.\n';
  return header + dump(document, { noRefs: true, lineWidth: -1, quotingType: "'" });
}

if (require.main === module) {
  renderAsyncApi()
    .then((text) => {
      writeFileSync(ASYNCAPI_PATH, text);
      console.log(`wrote ${ASYNCAPI_PATH} (${text.length} bytes)`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
