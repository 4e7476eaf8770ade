/**
 * The partner-facing prose and examples of openapi/asyncapi.yaml for the bulk feeds, receipts and debt notices, and
 * the "Getting connected" section. Payload schemas are never written here: they come from libs/contracts.
 */
import {
  EXCHANGES,
  MAX_NOTICES_PER_MESSAGE,
  PARTNER_COMMANDS,
  PARTNER_EVENTS,
  QUEUES,
  RECEIPTS_TTL_MS,
  partnerQueuePrefix,
  receiptsQueue,
} from '@app/contracts';

export interface Example {
  name: string;
  summary: string;
  headers?: Record<string, unknown>;
  payload: unknown;
}
export interface MessageDoc {
  title: string;
  summary: string;
  description: string;
  kind: 'command' | 'event';
  examples: Example[];
}

/** The partner every example names: its broker user, and so its queue prefix. */
export const EXAMPLE_PARTNER = 'acme-financeira';
const ADDRESS = {
  street: 'Avenida Paulista',
  number: '1578',
  complement: null,
  district: 'Bela Vista',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01310200',
};

const DEBT_REPORTS_EXAMPLE = {
  batchId: 'acme-debts-2025-06-01-0001',
  reports: [
    {
      operation: 'REGISTER',
      cpf: '12345678909',
      creditorCnpj: '11.222.333/0001-81',
      contractId: 'CTR-2024-000981',
      creditor: 'Acme Financeira S.A.',
      amountCents: 125000,
      dueDate: '2025-05-10',
    },
    {
      operation: 'UPDATE_AMOUNT',
      cpf: '52998224725',
      creditorCnpj: '11222333000181',
      contractId: 'CTR-2023-004410',
      amountCents: 98000,
    },
    { operation: 'PAY', cpf: '11144477735', creditorCnpj: '11222333000181', contractId: 'CTR-2022-000017' },
    {
      operation: 'RENEGOTIATE',
      cpf: '39053344705',
      creditorCnpj: '11222333000181',
      contractId: 'CTR-2023-000502',
      amountCents: 60000,
      dueDate: '2025-09-10',
    },
    { operation: 'REMOVE', cpf: '52998224725', creditorCnpj: '11222333000181', contractId: 'CTR-2021-000300' },
  ],
};

const CONSUMER_RECORDS_EXAMPLE = {
  batchId: 'acme-consumers-2025-06-01-0001',
  records: [
    { cpf: '12345678909', name: 'Maria da Silva Santos', address: { ...ADDRESS, postalCode: '01310-200' } },
    {
      cpf: '52998224725',
      name: 'João Pereira Lima',
      address: {
        street: 'Rua XV de Novembro',
        number: '100',
        district: 'Centro',
        city: 'Curitiba',
        state: 'PR',
        postalCode: '80020-310',
      },
    },
  ],
};

export const FEED_MESSAGE_DOCS: Record<string, MessageDoc> = {
  [QUEUES.debtReports]: {
    kind: 'command',
    title: 'Report debts in bulk',
    summary: 'Up to 1000 creditor reports: register, update the amount, pay, renegotiate or remove a debt.',
    description: [
      'Each item of `reports` must match one of `RegisterDebtReport`, `UpdateDebtAmountReport`, `PayDebtReport`,' +
        ' `RenegotiateDebtReport`, `RemoveDebtReport` (components/schemas), told apart by `operation`. The envelope is' +
        ' validated as a whole (an invalid one is refused: receipt with `error`, dead letter for the operator); each' +
        ' report is then checked and applied **on its own, in order**: a bad one is listed in the receipt and the' +
        ' others are stored, so a batch may register a debt and pay it.',
      "A debt is named by the creditor's CNPJ, its contract id and the CPF: re-sending a report changes nothing." +
        ' Only the broker user that registered a debt may change or remove it (`DEBT_REPORTED_BY_ANOTHER_SOURCE`).' +
        ' Registering a contract again with other terms is refused (`DEBT_ALREADY_REGISTERED`): report the change.' +
        ' A CPF with no consumer record is refused (`CONSUMER_NOT_FOUND`): send the record on `' +
        QUEUES.consumerRecords +
        '` first and wait for its receipt.',
      'The notice period (CDC art. 43 §2; STJ Súmula 359): a debt registered now is held and shown to the consumer' +
        ' as pending, but stays out of analyses and scores until the consumer has been sent a notice (`' +
        QUEUES.debtNotices +
        '`) and the period (10 days by default) has passed; it then enters them without any' +
        ' further message. Payment and removal take effect at once: the cached analyses are dropped and the CPF is' +
        ' re-scored.',
      'Publish with `user_id` set to your broker user (a message without it is refused, `SOURCE_UNVERIFIED`). The' +
        ' receipt arrives on `' +
        receiptsQueue('<your user>') +
        '`.',
    ].join('\n\n'),
    examples: [{ name: 'oneOfEach', summary: 'One report of each operation', payload: DEBT_REPORTS_EXAMPLE }],
  },
  [QUEUES.consumerRecords]: {
    kind: 'command',
    title: 'Send consumer records in bulk',
    summary: 'Up to 1000 consumers: created when new, name and address replaced otherwise (their debts are kept).',
    description: [
      'Each item of `records` must match `ConsumerRecord`; it is checked on its own, and a bad one is listed in the' +
        ' receipt while the others are stored. Name and address are encrypted at rest. The last record of a CPF in a' +
        ' batch wins.',
      'Publish with `user_id` set to your broker user; the receipt arrives on your receipts queue.',
    ].join('\n\n'),
    examples: [{ name: 'twoConsumers', summary: 'Two consumers', payload: CONSUMER_RECORDS_EXAMPLE }],
  },
  [QUEUES.debtNotices]: {
    kind: 'command',
    title: 'Tell a consumer of newly registered debts',
    summary: "For the operator's mailing system: one letter per `noticeId`, to the address held.",
    description: [
      `Published by the platform to \`${EXCHANGES.commands}\` with routing key \`${QUEUES.debtNotices}\` once debts` +
        ' registered about consumers (through the debt feed or PUT /v1/consumers/{cpf}) are stored: one notice per' +
        ' consumer and batch, naming each debt and when the debts may first be reported (`reportableFrom`). The' +
        ` notices of one batch travel together, up to ${MAX_NOTICES_PER_MESSAGE} a message.`,
      'It carries the name and address the letter goes to, so it goes to the commands exchange, never to `' +
        EXCHANGES.events +
        '`, and no partner may read it. A notice sent again (a redelivered batch, a repeated PUT)' +
        ' has the same `noticeId`: send one letter per id. The period runs from the day the first notice was sent' +
        ' (STJ Súmula 404: proof of receipt is not required).',
    ].join('\n\n'),
    examples: [
      {
        name: 'oneDebt',
        summary: 'A debt registered by Acme',
        payload: {
          notices: [
            {
              noticeId: 'notice-5b1f0c9e2d4a7b3c8e6f1a0d9c8b7a6e5f4d3c2b',
              cpf: '12345678909',
              name: 'Maria da Silva Santos',
              address: ADDRESS,
              debts: [
                {
                  debtId: '11222333000181:CTR-2024-000981',
                  creditor: 'Acme Financeira S.A.',
                  creditorCnpj: '11222333000181',
                  amountCents: 125000,
                  dueDate: '2025-05-10',
                },
              ],
              sentAt: '2025-06-01T10:00:03.214Z',
              reportableFrom: '2025-06-12T03:00:00.000Z',
            },
          ],
        },
      },
    ],
  },
};

export const RECEIPT_DOC = {
  title: 'Batch receipt',
  summary:
    'What became of a batch you sent: accepted count and every rejected item with index, code, field and reason.',
  description: [
    `One receipt per batch (transaction events, debt reports, consumer records), on your own queue \`${receiptsQueue('<your user>')}\`,` +
      " published persistent through the default exchange with the batch's `correlation_id`, before the batch is" +
      ' acknowledged: a batch redelivered after a failure on our side is answered again (same `batchId`; keep the' +
      ' latest). `accepted + rejected.length == received`. CPFs in reasons are masked.',
    'A batch refused as a whole (not JSON, an invalid envelope, retried to the end) has `accepted: 0` and an `error`;' +
      ' send it again once fixed (`RETRIES_EXHAUSTED`: later). A message without `user_id` gets no receipt: nobody' +
      ' can say whose it is.',
  ].join('\n\n'),
  examples: [
    {
      name: 'debtsWithRejections',
      summary: 'Five debt reports, two rejected',
      payload: {
        batchId: DEBT_REPORTS_EXAMPLE.batchId,
        kind: 'DEBT_REPORTS',
        received: 5,
        accepted: 3,
        rejected: [
          {
            index: 1,
            code: 'DEBT_NOT_FOUND',
            field: 'reports[1].contractId',
            reason: 'no debt of this creditor and contract is held for this CPF',
          },
          {
            index: 3,
            code: 'SCHEMA_INVALID',
            field: 'reports[3].dueDate',
            reason: 'dueDate: must match format "date"',
          },
        ],
        processedAt: '2025-06-01T10:00:03.310Z',
      },
    },
    {
      name: 'refused',
      summary: 'A batch whose envelope is invalid',
      payload: {
        batchId: 'acme-debts-2025-06-01-0002',
        kind: 'DEBT_REPORTS',
        received: 0,
        accepted: 0,
        rejected: [],
        error: { code: 'SCHEMA_INVALID', field: 'reports', reason: "reports: must have required property 'reports'" },
        processedAt: '2025-06-01T10:01:00.002Z',
      },
    },
  ],
};

const code = (s: string) => `\`${s}\``;

/** The "Getting connected" section: what a partner is given, may do, and how to name what it declares. */
export function gettingConnected(retryDelayMs: number, maxAttempts: number): string {
  const prefix = partnerQueuePrefix('<your user>');
  return `## Getting connected

**Your identity.** The operator creates your broker user with \`npm run partner -- create <name>\` and hands you its
password once (it is stored only as the broker's hash). Connect to the platform's virtual host (\`/\` unless told
otherwise) as that user, and set the AMQP \`user_id\` property of everything you publish to it: RabbitMQ checks it
against your connection (any other value closes your channel with \`406 PRECONDITION_FAILED\`), so it is what the
platform records as the source of your data (\`amqp:<your user>\`).

**Naming.** Every queue of yours is named ${code(`${prefix}…`)}, e.g. ${code(`${partnerQueuePrefix(EXAMPLE_PARTNER)}rating-changes`)}
or ${code(`${partnerQueuePrefix(EXAMPLE_PARTNER)}replies`)}. Server-named queues (\`amq.gen-…\`) are not yours to declare; for
request/reply use a queue of yours or direct reply-to (\`amq.rabbitmq.reply-to\`).

**Permissions** (least privilege; anything else is refused with \`403 ACCESS_REFUSED\`, which closes the channel):

| You may | Where |
|---|---|
| publish, with the routing keys you were granted | exchange \`${EXCHANGES.commands}\` (topic): ${PARTNER_COMMANDS.map(code).join(', ')} (by default all of them) |
| declare, delete, consume, purge, bind | your own queues, ${code(`${prefix}…`)} |
| bind your queues, with the routing keys you were granted | exchange \`${EXCHANGES.events}\`: ${PARTNER_EVENTS.map(code).join(', ')}, only when granted (they carry CPFs) |

You may not read, bind or declare any other queue (another partner's, the platform's work queues, the dead-letter
queues), publish through the default exchange, or publish as another user.

**Receipts.** Your receipts queue ${code(receiptsQueue('<your user>'))} is created with your user (durable; a receipt
unread for ${RECEIPTS_TTL_MS / 86_400_000} days is dropped). Every batch you send, of transaction events, debt reports or
consumer records, is answered there with a \`BatchReceiptV1\`: its \`batchId\`, how many items were accepted, and each
rejected item with its index, code, field and reason. Consume it with manual acks; do not redeclare it (its arguments
are set), check it passively if you must. The operators' dead-letter queues stay theirs.

**Retries.** Publish persistent on a confirm channel with \`mandatory: true\`; a message not confirmed, or returned, can
be published again: every feed is idempotent (events by \`eventId\`, debts by creditor CNPJ, contract id and CPF,
consumer records by CPF). On our side a transient failure is retried ${maxAttempts - 1} times, ${retryDelayMs / 1000} s apart;
after that the receipt says \`RETRIES_EXHAUSTED\` and you send the batch again later.
`;
}

/** A partner's worked example for the feeds: consumers, then debts, then the receipts. */
export function feedsExample(): string {
  const receipts = receiptsQueue(EXAMPLE_PARTNER);
  const send = (
    queue: string,
    body: unknown,
  ) => `channel.publish('${EXCHANGES.commands}', '${queue}', Buffer.from(JSON.stringify(${JSON.stringify(body)})), {
  persistent: true, mandatory: true, contentType: 'application/json', userId: '${EXAMPLE_PARTNER}',
});`;
  return `**4. Send consumer records, then debts, and read the receipts.** The two feeds are separate queues, handled side
by side: send a consumer's debts once the receipt of its record is in.

\`\`\`js
const receipts = new Map(); // batchId -> resolve
await channel.consume('${receipts}', (msg) => {
  const receipt = JSON.parse(msg.content.toString('utf8')); // { batchId, kind, received, accepted, rejected: [...] }
  for (const r of receipt.rejected) console.warn(receipt.batchId, r.index, r.code, r.field, r.reason);
  receipts.get(receipt.batchId)?.(receipt);
  channel.ack(msg);
});
const receiptOf = (batchId) => new Promise((resolve) => receipts.set(batchId, resolve));
const records = receiptOf('acme-consumers-0001');
${send(QUEUES.consumerRecords, { batchId: 'acme-consumers-0001', records: [CONSUMER_RECORDS_EXAMPLE.records[0]] })}
await channel.waitForConfirms();
await records;
const debts = receiptOf('acme-debts-0001');
${send(QUEUES.debtReports, { batchId: 'acme-debts-0001', reports: [DEBT_REPORTS_EXAMPLE.reports[0]] })}
await channel.waitForConfirms();
const { accepted, rejected } = await debts;
\`\`\`
`;
}
