import { EVENTS, EXCHANGES, QUEUES, RECEIPTS_QUEUE_ARGUMENTS, deadLetterQueue, receiptsQueue } from '@app/contracts';
import { assertTopology } from '@app/platform';
import amqp, { ChannelModel, ConfirmChannel } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { createVhost } from '@app/testing/contracts';
import { PartnerIdentities, managementTarget } from './partner-identities';

jest.setTimeout(60_000);

/**
 * Least privilege, shown on the real broker: two partners created by the CLI's code in a virtual host of their own,
 * each connected as itself, trying what a partner may and may not do.
 */
describe('partner broker identities on RabbitMQ', () => {
  const suffix = randomBytes(3).toString('hex');
  const acme = `it-acme-${suffix}`;
  const other = `it-other-${suffix}`;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let identities: PartnerIdentities;
  const connections: ChannelModel[] = [];
  const passwords = new Map<string, string>();

  const connectAs = async (user: string): Promise<ChannelModel> => {
    const url = new URL(vhost.url);
    url.username = user;
    url.password = passwords.get(user)!;
    const connection = await amqp.connect(url.toString());
    connection.on('error', () => undefined);
    connections.push(connection);
    return connection;
  };

  /** Runs `attempt` on a channel of its own and answers the broker's refusal (it closes the channel), or null. */
  const outcome = async (
    connection: ChannelModel,
    attempt: (channel: ConfirmChannel) => Promise<unknown>,
  ): Promise<string | null> => {
    const channel = await connection.createConfirmChannel();
    const closed = new Promise<string>((resolve) => channel.on('error', (error: Error) => resolve(error.message)));
    try {
      await attempt(channel);
      await channel.waitForConfirms();
      await channel.close();
      return null;
    } catch (error) {
      return Promise.race([closed, new Promise<string>((r) => setTimeout(() => r((error as Error).message), 1_000))]);
    }
  };
  const publish =
    (routingKey: string, userId: string, exchange: string = EXCHANGES.commands) =>
    (channel: ConfirmChannel) => {
      channel.publish(exchange, routingKey, Buffer.from(JSON.stringify({ reports: [{}] })), {
        userId,
        persistent: true,
      });
      return Promise.resolve();
    };

  beforeAll(async () => {
    vhost = await createVhost('partners');
    const admin = await amqp.connect(vhost.url);
    const channel = await admin.createConfirmChannel();
    await assertTopology(channel, { retryDelayMs: 2_000 });
    await admin.close();
    identities = new PartnerIdentities(managementTarget({ ...process.env, RABBITMQ_URL: vhost.url }));
    passwords.set(
      acme,
      (await identities.create(acme, { commands: [QUEUES.debtReports, QUEUES.consumerRecords], events: [] })).password,
    );
    passwords.set(
      other,
      (await identities.create(other, { commands: [QUEUES.debtReports], events: [EVENTS.ratingChanged] })).password,
    );
  });

  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => undefined);
    for (const user of [acme, other]) await identities?.revoke(user).catch(() => undefined);
    await vhost?.drop();
  });

  it('publishes the commands it was granted, as itself, reads its own receipts queue and may use direct reply-to', async () => {
    const connection = await connectAs(acme);
    expect(await outcome(connection, publish(QUEUES.debtReports, acme))).toBeNull();
    expect(await outcome(connection, (ch) => ch.checkQueue(receiptsQueue(acme)))).toBeNull();
    expect(await outcome(connection, (ch) => ch.get(receiptsQueue(acme)))).toBeNull();
    expect(
      await outcome(connection, (ch) => ch.consume('amq.rabbitmq.reply-to', () => undefined, { noAck: true })),
    ).toBeNull();
  });

  it("cannot publish a routing key it was not granted, nor one of the platform's own commands", async () => {
    const connection = await connectAs(other);
    expect(await outcome(connection, publish(QUEUES.consumerRecords, other))).toMatch(/403|ACCESS.REFUSED/);
    expect(await outcome(connection, publish(QUEUES.correctionNotices, other))).toMatch(/403|ACCESS.REFUSED/);
    expect(await outcome(connection, publish(QUEUES.rescoreConsumers, other))).toMatch(/403|ACCESS.REFUSED/);
  });

  it('cannot publish as another user', async () => {
    expect(await outcome(await connectAs(acme), publish(QUEUES.debtReports, other))).toMatch(/406|PRECONDITION.FAILED/);
  });

  it("cannot read another partner's queue, nor the operators' dead letters, nor a work queue", async () => {
    const connection = await connectAs(acme);
    expect(await outcome(connection, (ch) => ch.get(receiptsQueue(other)))).toMatch(/403|ACCESS.REFUSED/);
    expect(await outcome(connection, (ch) => ch.consume(receiptsQueue(other), () => undefined))).toMatch(
      /403|ACCESS.REFUSED/,
    );
    expect(await outcome(connection, (ch) => ch.get(deadLetterQueue(QUEUES.ingestTransactions)))).toMatch(
      /403|ACCESS.REFUSED/,
    );
    expect(await outcome(connection, (ch) => ch.get(QUEUES.debtNotices))).toMatch(/403|ACCESS.REFUSED/);
  });

  it('cannot declare a queue outside its prefix, nor publish straight into a queue through the default exchange', async () => {
    const connection = await connectAs(acme);
    expect(await outcome(connection, (ch) => ch.assertQueue(`work-${suffix}`, { durable: false }))).toMatch(
      /403|ACCESS.REFUSED/,
    );
    expect(await outcome(connection, (ch) => ch.assertQueue(`partner.${acme}.work`, { durable: false }))).toBeNull();
    expect(await outcome(connection, publish(receiptsQueue(other), acme, ''))).toMatch(/403|ACCESS.REFUSED/);
  });

  it('binds its own queues only to the events it was granted', async () => {
    const granted = await connectAs(other);
    const queue = `partner.${other}.ratings`;
    expect(
      await outcome(granted, async (ch) => {
        await ch.assertQueue(queue, { durable: false });
        await ch.bindQueue(queue, EXCHANGES.events, EVENTS.ratingChanged);
      }),
    ).toBeNull();
    expect(await outcome(granted, (ch) => ch.bindQueue(queue, EXCHANGES.events, EVENTS.consumerDataChanged))).toMatch(
      /403|ACCESS.REFUSED/,
    );
    expect(await outcome(granted, (ch) => ch.bindQueue(queue, EXCHANGES.events, '#'))).toMatch(/403|ACCESS.REFUSED/);
    const notGranted = await connectAs(acme);
    expect(
      await outcome(notGranted, async (ch) => {
        await ch.assertQueue(`partner.${acme}.ratings`, { durable: false });
        await ch.bindQueue(`partner.${acme}.ratings`, EXCHANGES.events, EVENTS.ratingChanged);
      }),
    ).toMatch(/403|ACCESS.REFUSED/);
  });

  it('is listed with its grants, and once revoked is disconnected and cannot connect again', async () => {
    const listed = (await identities.list())
      .filter((p) => [acme, other].includes(p.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(listed.map((p) => [p.name, p.commands, p.events, p.receiptsWaiting])).toEqual(
      [
        [acme, [QUEUES.debtReports, QUEUES.consumerRecords], [], 0],
        [other, [QUEUES.debtReports], [EVENTS.ratingChanged], 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const connection = await connectAs(acme);
    const dropped = new Promise<void>((resolve) => connection.on('close', () => resolve()));
    const { queuesLeft } = await identities.revoke(acme);
    expect(queuesLeft).toContain(receiptsQueue(acme));
    await dropped;
    await expect(connectAs(acme)).rejects.toThrow(/ACCESS_REFUSED|403|auth/i);
  });

  it("refuses a name that could overlap another partner's prefix, and a grant of a platform command", async () => {
    await expect(identities.create('acme.x', { commands: [], events: [] })).rejects.toThrow(/no dots/);
    await expect(
      identities.create(`it-bad-${suffix}`, { commands: [QUEUES.rescoreConsumers], events: [] }),
    ).rejects.toThrow(/not grantable/);
    expect(RECEIPTS_QUEUE_ARGUMENTS['x-message-ttl']).toBeGreaterThan(0);
  });
});
