import {
  CorrectionNoticeV1,
  DebtNoticesV1,
  EVENTS,
  EXCHANGES,
  MAX_NOTICES_PER_MESSAGE,
  QUEUES,
  validatePayload,
} from '@app/contracts';
import { RabbitMqPublisher, connectRabbitMq } from '@app/platform';
import { aDebt } from '@app/testing';
import amqp, { Channel, ChannelModel } from 'amqplib';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { createVhost, uniqueCpf, waitFor } from '@app/testing/contracts';
import { ConsumerDataChangedEvent, CorrectionNoticeEvent, DebtNoticeEvent } from '@app/credit-application';
import { NoticePeriod } from '@app/credit-domain';
import { RabbitMqEventRelay } from './rabbitmq-event.relay';

/**
 * A correction whose wrong data reached clients lands on the correction-notices queue (CDC art. 43 §3), and the
 * notices of newly registered debts (§2) on the debt-notices queue, together per batch; both declared with the
 * topology, and nowhere a partner bound to the events exchange could read them. Real broker, own virtual host.
 */
describe('Correction and debt notices on RabbitMQ', () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let connection: AmqpConnectionManager;
  let publisher: RabbitMqPublisher;
  let consumer: ChannelModel;
  let channel: Channel;
  const eavesdropper = 'it.partner.everything';

  beforeAll(async () => {
    vhost = await createVhost('notices');
    connection = connectRabbitMq(vhost.url, 'notices-test');
    publisher = new RabbitMqPublisher(connection, { retryDelayMs: 200 });
    await publisher.waitForConnect();
    consumer = await amqp.connect(vhost.url);
    channel = await consumer.createChannel();
    await channel.assertQueue(eavesdropper, { durable: false, exclusive: true });
    await channel.bindQueue(eavesdropper, EXCHANGES.events, '#');
  });

  afterAll(async () => {
    await consumer?.close();
    await publisher?.close();
    await connection?.close();
    await vhost?.drop();
  });

  it(
    'queues the notice, durable, with the recipients and the schema the contract documents, and only' + ' there',
    async () => {
      const cpf = uniqueCpf();
      const recipients = [
        { client: 'Banco Horizonte', lastReadAt: new Date('2025-06-05T14:00:00Z') },
        { client: 'amqp:acme', lastReadAt: new Date('2025-01-16T09:00:00Z') },
      ];
      const correctedAt = new Date('2025-06-15T12:00:00Z');
      const metadata = { correlationId: 'corr-req-1' };
      const id = 'corr-0123456789abcdef';
      const notice = new CorrectionNoticeEvent(id, cpf.value, 'debt', 'c-1', correctedAt, recipients, metadata);
      await new RabbitMqEventRelay(publisher).publish(notice);
      const message = await waitFor(
        async () => channel.get(QUEUES.correctionNotices, { noAck: true }),
        5_000,
        'the correction notice',
      );
      const payload = JSON.parse(message.content.toString('utf8')) as CorrectionNoticeV1;
      expect(payload).toEqual({
        correctionId: 'corr-0123456789abcdef',
        cpf: cpf.value,
        field: 'debt',
        debtId: 'c-1',
        correctedAt: '2025-06-15T12:00:00.000Z',
        recipients: [
          { client: 'Banco Horizonte', lastReadAt: '2025-06-05T14:00:00.000Z' },
          { client: 'amqp:acme', lastReadAt: '2025-01-16T09:00:00.000Z' },
        ],
      });
      expect(validatePayload(QUEUES.correctionNotices, payload)).toEqual([]);
      expect(message.properties).toMatchObject({ deliveryMode: 2, correlationId: 'corr-req-1' });
      expect((await channel.checkQueue(QUEUES.correctionNotices)).messageCount).toBe(0);
      expect(await channel.get(eavesdropper, { noAck: true })).toBe(false);
      expect(EVENTS).not.toHaveProperty('correctionNotices');
    },
  );

  it("sends a batch's notices in as few messages as the contract allows, one notice per consumer", async () => {
    const now = new Date('2025-06-01T10:00:00Z');
    const metadata = { correlationId: 'corr-debts-1' };
    const period = new NoticePeriod(10);
    const count = MAX_NOTICES_PER_MESSAGE + 2;
    const notices = Array.from({ length: count }, (_, i) => {
      const debt = aDebt({ id: `11222333000181:C-${i}`, reportableFrom: period.endsAt(now), reportedBy: 'amqp:acme' });
      const address = {
        street: 'Rua A',
        number: '1',
        complement: null,
        district: 'Centro',
        city: 'São Paulo',
        state: 'SP',
        postalCode: '01310200',
      };
      const contact = { name: `Consumidor ${i}`, address };
      return DebtNoticeEvent.of(uniqueCpf().value, contact, [debt], now, metadata);
    });
    const changed = new ConsumerDataChangedEvent(
      notices.map((n) => n.cpf),
      'CONSUMER',
      metadata,
    );
    await new RabbitMqEventRelay(publisher).publishMany([changed, ...notices]);
    const first = await waitFor(
      async () => channel.get(QUEUES.debtNotices, { noAck: true }),
      5_000,
      'the first notices',
    );
    const second = await waitFor(
      async () => channel.get(QUEUES.debtNotices, { noAck: true }),
      5_000,
      'the second notices',
    );
    const payloads = [first, second].map((m) => JSON.parse(m.content.toString('utf8')) as DebtNoticesV1);
    expect(payloads.map((p) => p.notices.length).sort((a, b) => a - b)).toEqual([2, MAX_NOTICES_PER_MESSAGE]);
    for (const p of payloads) expect(validatePayload(QUEUES.debtNotices, p)).toEqual([]);
    const ids = payloads.flatMap((p) => p.notices.map((n) => n.noticeId)).sort();
    expect(ids).toEqual(notices.map((n) => n.noticeId).sort());
    expect(first.properties).toMatchObject({ deliveryMode: 2, correlationId: 'corr-debts-1' });
    expect(await channel.get(QUEUES.debtNotices, { noAck: true })).toBe(false);
    // Only the change event, which names CPFs but no person or debt, reaches the events exchange.
    const heard = await waitFor(async () => channel.get(eavesdropper, { noAck: true }), 5_000, 'the change event');
    expect(heard.fields.routingKey).not.toBe(QUEUES.debtNotices);
    expect(await channel.get(eavesdropper, { noAck: true })).toBe(false);
  });
});
