import { BatchReceiptV1, DebtNoticesV1, EXCHANGES, QUEUES, receiptsQueue } from '@app/contracts';
import { ApiKeys } from '@app/credit-application';
import { SCOPES } from '@app/credit-domain';
import { Cpf, SystemClock } from '@app/shared-kernel';
import amqp, { Channel, ChannelModel } from 'amqplib';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { TypeormApiKeyRepository, postgresDataSource } from '@app/adapters/postgres';
import { createVhost, requireEnv, testKeys, uniqueCpf } from '@app/testing/contracts';
import { PartnerIdentities, managementTarget } from '../../scripts/partner-identities';
import { RunningApp, ensureBuilt, eventually, startApp } from './app-processes';

jest.setTimeout(120_000);

/**
 * A partner onboards with `npm run partner -- create`, sends consumers, debts and events in bulk over RabbitMQ as its
 * own broker user, and learns the fate of every item from the receipts on its own queue; the API shows the debts to
 * the consumer as pending, and the mailing system's queue holds the notice. Real servers, the compiled apps.
 */
describe("a partner's bulk feeds over RabbitMQ, with receipts", () => {
  const env: Record<string, string> = {
    DATABASE_URL: requireEnv('DATABASE_URL'),
    MONGODB_URL: requireEnv('MONGODB_URL'),
    ELASTICSEARCH_URL: requireEnv('ELASTICSEARCH_URL'),
    REDIS_URL: requireEnv('REDIS_URL'),
    RABBITMQ_URL: requireEnv('RABBITMQ_URL'),
    ELASTICSEARCH_INDEX: `credit-transactions-feeds-${Date.now()}`,
    REDIS_NAMESPACE: `feeds-${Date.now()}`,
    DEMO_CONSUMERS: '0',
    ...testKeys(),
    PORT: String(3800 + Math.floor(Math.random() * 500)),
  };
  const statusPort = String(Number(env.PORT) + 1000);
  const partner = `it-feeds-${randomBytes(3).toString('hex')}`;
  const apps: RunningApp[] = [];
  const receipts: BatchReceiptV1[] = [];
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let identities: PartnerIdentities;
  let connection: ChannelModel;
  let channel: Channel;
  let apiKey = '';
  const [alice, bruno] = [uniqueCpf(), uniqueCpf()];
  const address = {
    street: 'Rua Augusta',
    number: '500',
    district: 'Consolação',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01304-000',
  };

  const http = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${env.PORT}${path}`, {
      headers: { 'x-api-key': apiKey, 'x-purpose': 'DATA_SUBJECT_REQUEST' },
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const send = (queue: string, body: unknown) => {
    channel.publish(EXCHANGES.commands, queue, Buffer.from(JSON.stringify(body)), {
      persistent: true,
      contentType: 'application/json',
      userId: partner,
    });
  };
  const receiptOf = (batchId: string) =>
    eventually(async () => receipts.find((r) => r.batchId === batchId), 30_000, `the receipt of ${batchId}`);

  beforeAll(async () => {
    vhost = await createVhost('feeds');
    env.RABBITMQ_URL = vhost.url;
    ensureBuilt();
    execSync('npm run -s db:migrate', { env: { ...process.env, ...env }, stdio: 'inherit' });
    const keysDb = await postgresDataSource(env.DATABASE_URL).initialize();
    apiKey = (
      await new ApiKeys(new TypeormApiKeyRepository(keysDb), new SystemClock()).create('feeds-e2e', [...SCOPES])
    ).plaintext;
    await keysDb.destroy();
    apps.push(
      ...(await Promise.all([
        startApp('api', env, /Swagger UI/),
        startApp('ingestion-worker', { ...env, STATUS_PORT: statusPort }, /ingestion-worker consuming/),
      ])),
    );
    identities = new PartnerIdentities(managementTarget({ ...process.env, RABBITMQ_URL: vhost.url }));
    const { password } = await identities.create(partner, {
      commands: [QUEUES.consumerRecords, QUEUES.debtReports, QUEUES.ingestTransactions],
      events: [],
    });
    const url = new URL(vhost.url);
    url.username = partner;
    url.password = password;
    connection = await amqp.connect(url.toString());
    channel = await connection.createChannel();
    await channel.consume(
      receiptsQueue(partner),
      (msg) => {
        if (msg) receipts.push(JSON.parse(msg.content.toString('utf8')));
      },
      { noAck: true },
    );
  }, 240_000);

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await identities?.revoke(partner).catch(() => undefined);
    await Promise.all(apps.map((a) => a.stop()));
    await vhost?.drop();
    await fetch(`${env.ELASTICSEARCH_URL}/${env.ELASTICSEARCH_INDEX}`, { method: 'DELETE' }).catch(() => undefined);
  });

  it('stores consumer records and answers with a receipt naming the one rejected', async () => {
    send(QUEUES.consumerRecords, {
      batchId: 'records-1',
      records: [
        { cpf: alice.value, name: 'Alice Prado', address },
        { cpf: bruno.value, name: 'Bruno Lemos', address },
        { cpf: alice.value, name: 'A', address },
      ],
    });
    const receipt = await receiptOf('records-1');
    expect(receipt).toMatchObject({ kind: 'CONSUMER_RECORDS', received: 3, accepted: 2 });
    expect(receipt.rejected).toEqual([
      { index: 2, code: 'NAME_INVALID', field: 'records[2].name', reason: 'must be 2 to 160 characters' },
    ]);
  });

  it('registers debts pending the notice period, sends the notice, and says in the receipt what it refused', async () => {
    const unknown = uniqueCpf();
    const register = (cpf: Cpf, contractId: string) => ({
      operation: 'REGISTER',
      cpf: cpf.value,
      creditorCnpj: '11222333000181',
      contractId,
      creditor: 'Acme Financeira',
      amountCents: 210_000,
      dueDate: '2025-01-10',
    });
    send(QUEUES.debtReports, {
      batchId: 'debts-1',
      reports: [
        register(alice, 'A-1'),
        register(unknown, 'U-1'),
        { ...register(bruno, 'B-1'), dueDate: '10/01/2025' },
        register(bruno, 'B-2'),
      ],
    });
    const receipt = await receiptOf('debts-1');
    expect(receipt).toMatchObject({ kind: 'DEBT_REPORTS', received: 4, accepted: 2 });
    expect(receipt.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [1, 'CONSUMER_NOT_FOUND', 'reports[1].cpf'],
      [2, 'SCHEMA_INVALID', 'reports[2].dueDate'],
    ]);
    expect(JSON.stringify(receipts)).not.toMatch(new RegExp(`${unknown.value}|${alice.value}|${bruno.value}`));
    const exported = await http(`/v1/subjects/${alice.value}/export`);
    expect(exported.body.consumer.debts).toEqual([
      expect.objectContaining({
        id: '11222333000181:A-1',
        reportable: false,
        pendingUntil: expect.any(String),
        reportedBy: `amqp:${partner}`,
      }),
    ]);
    const admin = await amqp.connect(vhost.url);
    const notices = await admin.createChannel();
    const notice = await eventually(
      async () => {
        const message = await notices.get(QUEUES.debtNotices, { noAck: true });
        return message ? (JSON.parse(message.content.toString('utf8')) as DebtNoticesV1) : null;
      },
      10_000,
      'the debt notices',
    );
    // One notice per consumer whose debt was registered, in one message for the batch.
    expect(notice.notices.map((n) => n.name).sort()).toEqual(['Alice Prado', 'Bruno Lemos']);
    expect(notice.notices[0]).toMatchObject({ address: expect.objectContaining({ city: 'São Paulo' }) });
    await admin.close();
  });

  it('answers a batch of transaction events with a receipt too, listing the invalid event', async () => {
    send(QUEUES.ingestTransactions, {
      batchId: 'events-1',
      events: [
        {
          eventId: 'e-1',
          cpf: alice.value,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: new Date().toISOString(),
          kind: 'SALARY',
          amountCents: 500_000,
        },
        {
          eventId: 'e-2',
          cpf: alice.value,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: new Date().toISOString(),
          kind: 'SALARY',
          amountCents: -5,
        },
      ],
    });
    const receipt = await receiptOf('events-1');
    expect(receipt).toMatchObject({
      kind: 'TRANSACTIONS',
      received: 2,
      accepted: 1,
      rejected: [expect.objectContaining({ index: 1, field: 'events[1].amountCents' })],
    });
  });

  it('answers a batch refused as a whole with a receipt that carries the error', async () => {
    send(QUEUES.debtReports, { batchId: 'debts-bad', reports: 'not a list' });
    expect(await receiptOf('debts-bad')).toMatchObject({
      accepted: 0,
      rejected: [],
      error: { code: 'SCHEMA_INVALID', field: 'reports' },
    });
  });

  it('pays a debt at once: the next read shows it settled', async () => {
    send(QUEUES.debtReports, {
      batchId: 'debts-2',
      reports: [{ operation: 'PAY', cpf: alice.value, creditorCnpj: '11.222.333/0001-81', contractId: 'A-1' }],
    });
    expect(await receiptOf('debts-2')).toMatchObject({ accepted: 1, rejected: [] });
    const exported = await http(`/v1/subjects/${alice.value}/export`);
    expect(exported.body.consumer.debts[0].status).toBe('PAID');
  });

  it("counts what it refused by partner, feed and code on the worker's /metrics", async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${statusPort}/metrics`)).text();
    const refused = (feed: string, code: string) =>
      new RegExp(
        `^credit_partner_items_rejected_total\\{partner="amqp:${partner}",feed="${feed}",code="${code}"\\} [1-9]`,
        'm',
      );
    expect(metrics).toMatch(refused('consumer_records', 'NAME_INVALID'));
    expect(metrics).toMatch(refused('debt_reports', 'CONSUMER_NOT_FOUND'));
    expect(metrics).toMatch(refused('debt_reports', 'SCHEMA_INVALID'));
    expect(metrics).toMatch(refused('transactions', '[A-Z_]+'));
    expect(metrics).not.toMatch(new RegExp(`${alice.value}|${bruno.value}`));
  });
});
