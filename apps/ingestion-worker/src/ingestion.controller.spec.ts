import { DEAD_LETTER_HEADERS, IngestTransactionsV1, QUEUES, receiptsQueue } from '@app/contracts';
import { IngestTransactionsCommand, IngestTransactionsHandler } from '@app/credit-application';
import { PartnerReceipts } from '@app/adapters/rabbitmq';
import { PermanentMessageError, PublishOptions, RabbitMqContext, RabbitMqPublisher } from '@app/platform';
import { Cpf, FixedClock } from '@app/shared-kernel';
import { NOW, RecordingEventBus, VALID_CPF, aCardPurchaseInput, aMovementInput } from '@app/testing';
import { CommandBus } from '@nestjs/cqrs';
import type { ConsumeMessage } from 'amqplib';
import { InMemoryAnalysisCache, InMemoryTransactionStore } from '@app/adapters/embedded';
import { IngestionController } from './ingestion.controller';

const PLATFORM_USER = 'credit-platform';
const contextFor = (userId?: string) =>
  new RabbitMqContext(QUEUES.ingestTransactions, {
    fields: { redelivered: false },
    properties: { correlationId: 'corr-ingest', headers: {}, userId },
  } as unknown as ConsumeMessage);

/** Keeps what the controller dead-letters, as the broker would receive it. */
class CapturingPublisher {
  readonly published: { routingKey: string; payload: unknown; options: PublishOptions }[] = [];
  async publish(_exchange: string, routingKey: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    this.published.push({ routingKey, payload, options });
  }
}

describe('IngestionController: whose events a batch holds, and what became of each', () => {
  let store: InMemoryTransactionStore;
  let publisher: CapturingPublisher;
  let controller: IngestionController;

  beforeEach(() => {
    store = new InMemoryTransactionStore();
    publisher = new CapturingPublisher();
    const handler = new IngestTransactionsHandler(
      store,
      new FixedClock(NOW),
      new RecordingEventBus().notifier(new InMemoryAnalysisCache()),
    );
    const commands = { execute: (c: IngestTransactionsCommand) => handler.execute(c) } as unknown as CommandBus;
    const asPublisher = publisher as unknown as RabbitMqPublisher;
    controller = new IngestionController(
      commands,
      asPublisher,
      PLATFORM_USER,
      new PartnerReceipts(asPublisher, PLATFORM_USER),
    );
  });

  const batch = (
    events: Record<string, unknown>[],
    extra: Partial<IngestTransactionsV1> = {},
  ): IngestTransactionsV1 => ({ batchId: 'b-1', events, ...extra });
  const sources = async () =>
    (await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 50 })).events.map((e) => e.source);

  it(
    "records a partner's events under its verified broker user, and says per event what was stored or a" + ' duplicate',
    async () => {
      const first = await controller.ingest(
        batch([aMovementInput({ eventId: 'm-1' }) as Record<string, unknown>]),
        contextFor('acme'),
      );
      expect(first).toMatchObject({ ok: true, stored: 1, items: [{ index: 0, eventId: 'm-1', outcome: 'STORED' }] });
      const again = await controller.ingest(
        batch([
          aMovementInput({ eventId: 'm-1' }),
          aMovementInput({ eventId: 'm-2' }),
          aCardPurchaseInput({ eventId: 'bad', mcc: '0000' }),
        ] as Record<string, unknown>[]),
        contextFor('acme'),
      );
      expect(again.items).toEqual([
        { index: 0, eventId: 'm-1', outcome: 'DUPLICATE' },
        { index: 1, eventId: 'm-2', outcome: 'STORED' },
        {
          index: 2,
          eventId: 'bad',
          outcome: 'REJECTED',
          code: 'EVENT_INVALID',
          field: 'events[2].mcc',
          reason: expect.stringContaining('0742'),
        },
      ]);
      expect(await sources()).toEqual(['amqp:acme', 'amqp:acme']);
      expect(publisher.published.filter((p) => p.routingKey === `${QUEUES.ingestTransactions}.dlq`)).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            source: 'amqp:acme',
            events: [expect.objectContaining({ eventId: 'bad' })],
          }),
          options: expect.objectContaining({
            headers: expect.objectContaining({ [DEAD_LETTER_HEADERS.code]: 'EVENT_INVALID' }),
          }),
        }),
      ]);
      // Each batch also answered on the partner's own queue: the operators' DLQ is not the partner's to read.
      const receipts = publisher.published
        .filter((p) => p.routingKey === 'partner.acme.receipts')
        .map((p) => p.payload);
      expect(receipts).toEqual([
        expect.objectContaining({ batchId: 'b-1', kind: 'TRANSACTIONS', received: 1, accepted: 1, rejected: [] }),
        expect.objectContaining({
          batchId: 'b-1',
          received: 3,
          accepted: 2,
          rejected: [expect.objectContaining({ index: 2, code: 'EVENT_INVALID', field: 'events[2].mcc' })],
        }),
      ]);
    },
  );

  it("stores another partner's event with the same id beside the first", async () => {
    await controller.ingest(
      batch([aMovementInput({ eventId: 'shared' }) as Record<string, unknown>]),
      contextFor('acme'),
    );
    expect(
      (
        await controller.ingest(
          batch([aMovementInput({ eventId: 'shared' }) as Record<string, unknown>]),
          contextFor('other-bank'),
        )
      ).items,
    ).toEqual([{ index: 0, eventId: 'shared', outcome: 'STORED' }]);
    expect((await sources()).sort()).toEqual(['amqp:acme', 'amqp:other-bank']);
  });

  it('refuses a batch without user_id as a whole: nobody could say whose events they are', async () => {
    await expect(
      controller.ingest(batch([aMovementInput() as Record<string, unknown>]), contextFor(undefined)),
    ).rejects.toMatchObject({ code: 'SOURCE_UNVERIFIED', field: 'properties.user_id' });
    await expect(
      controller.ingest(batch([aMovementInput() as Record<string, unknown>]), contextFor(undefined)),
    ).rejects.toBeInstanceOf(PermanentMessageError);
    expect(store.size()).toBe(0);
  });

  it(
    "takes the source a batch names only from the platform's own broker user (the API forwarding a REST" + ' batch)',
    async () => {
      await controller.ingest(
        batch([aMovementInput({ eventId: 'rest-1' }) as Record<string, unknown>], { source: 'api:Banco A' }),
        contextFor(PLATFORM_USER),
      );
      expect(await sources()).toEqual(['api:Banco A']);
      await expect(
        controller.ingest(
          batch([aMovementInput({ eventId: 'forged' }) as Record<string, unknown>], { source: 'api:Banco A' }),
          contextFor('acme'),
        ),
      ).rejects.toMatchObject({ code: 'SOURCE_NOT_ALLOWED', field: 'source' });
      expect(store.size()).toBe(1);
    },
  );

  it(
    'sends a partner the receipt of its batch, on its own queue, with every rejected event and no CPF in clear; the' +
      " platform's own batches get none",
    async () => {
      await controller.ingest(
        batch([aMovementInput({ eventId: 'ok' }), aCardPurchaseInput({ eventId: 'bad', cpf: '12345678900' })] as Record<
          string,
          unknown
        >[]),
        contextFor('acme'),
      );
      const receipts = publisher.published.filter((p) => p.routingKey === receiptsQueue('acme'));
      expect(receipts).toHaveLength(1);
      expect(receipts[0]!.payload).toMatchObject({
        batchId: 'b-1',
        kind: 'TRANSACTIONS',
        received: 2,
        accepted: 1,
        rejected: [{ index: 1, code: 'CPF_INVALID', field: 'events[1].cpf' }],
      });
      expect(JSON.stringify(receipts[0]!.payload)).not.toContain('12345678900');
      await controller.ingest(
        batch([aMovementInput({ eventId: 'rest' }) as Record<string, unknown>], { source: 'api:Banco A' }),
        contextFor(PLATFORM_USER),
      );
      expect(publisher.published.filter((p) => p.routingKey.endsWith('.receipts'))).toHaveLength(1);
    },
  );
});
