import { CorrectionNoticeV1, EVENTS, EXCHANGES, QUEUES, validatePayload } from '@app/contracts';
import { RabbitMqPublisher, connectRabbitMq } from '@app/platform';
import amqp, { Channel, ChannelModel } from 'amqplib';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { createVhost, uniqueCpf, waitFor } from '@app/testing/contracts';
import { CorrectionNoticeEvent } from '../../application/events/correction-notice.event';
import { RabbitMqEventRelay } from './rabbitmq-event.relay';

/**
 * A correction whose wrong data reached clients lands on the correction-notices queue (CDC art. 43 §3), declared with
 * the topology, and nowhere a partner bound to the events exchange could read it. Real broker, own virtual host.
 */
describe('Correction notices on RabbitMQ', () => {
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

  it('queues the notice, durable, with the recipients and the schema the contract documents, and only' +
    ' there', async () => {
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
      correctionId: 'corr-0123456789abcdef', cpf: cpf.value, field: 'debt', debtId: 'c-1',
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
  });
});
