import { DebtNoticesV1, EXCHANGES, MAX_NOTICES_PER_MESSAGE, QUEUES, validatePayload } from '@app/contracts';
import { RabbitMqPublisher, connectRabbitMq } from '@app/platform';
import amqp, { Channel, ChannelModel } from 'amqplib';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { aDebt } from '@app/testing';
import { createVhost, uniqueCpf, waitFor } from '../../../../testing/src/contracts';
import { ConsumerDataChangedEvent } from '../../application/events/consumer-data-changed.event';
import { DebtNoticeEvent } from '../../application/events/debt-notice.event';
import { NoticePeriod } from '../../domain/consumer/notice-period';
import { RabbitMqEventRelay } from './rabbitmq-event.relay';

/**
 * The notices of a batch of debt reports reach the mailing system's queue together (one message per up to
 * MAX_NOTICES_PER_MESSAGE consumers), valid against the contract, and never the events exchange partners bind to.
 * Real broker, own virtual host.
 */
describe('Debt notices on RabbitMQ', () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let connection: AmqpConnectionManager;
  let publisher: RabbitMqPublisher;
  let consumer: ChannelModel;
  let channel: Channel;
  const eavesdropper = 'it.partner.everything';

  beforeAll(async () => {
    vhost = await createVhost('debt-notices');
    connection = connectRabbitMq(vhost.url, 'debt-notices-test');
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

  it('sends a batch\'s notices in as few messages as the contract allows, one notice per consumer', async () => {
    const now = new Date('2025-06-01T10:00:00Z');
    const metadata = { correlationId: 'corr-debts-1' };
    const period = new NoticePeriod(10);
    const count = MAX_NOTICES_PER_MESSAGE + 2;
    const notices = Array.from({ length: count }, (_, i) => {
      const debt = aDebt({ id: `11222333000181:C-${i}`, reportableFrom: period.endsAt(now), reportedBy: 'amqp:acme' });
      const address = { street: 'Rua A', number: '1', complement: null, district: 'Centro', city: 'São Paulo', state: 'SP', postalCode: '01310200' };
      const contact = { name: `Consumidor ${i}`, address };
      return DebtNoticeEvent.of(uniqueCpf().value, contact, [debt], now, metadata);
    });
    const changed = new ConsumerDataChangedEvent(notices.map((n) => n.cpf), 'CONSUMER', metadata);
    await new RabbitMqEventRelay(publisher).publishMany([changed, ...notices]);
    const first = await waitFor(async () => channel.get(QUEUES.debtNotices, { noAck: true }), 5_000, 'the first notices');
    const second = await waitFor(async () => channel.get(QUEUES.debtNotices, { noAck: true }), 5_000, 'the second notices');
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
