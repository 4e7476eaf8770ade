import { DEAD_LETTER_HEADERS, IngestTransactionsV1, QUEUES } from '@app/contracts';
import { IngestTransactionsCommand, IngestTransactionsHandler } from '@app/credit';
import { PermanentMessageError, PublishOptions, RabbitMqContext, RabbitMqPublisher } from '@app/platform';
import { Cpf, FixedClock } from '@app/shared-kernel';
import { NOW, RecordingEventBus, VALID_CPF, aCardPurchaseInput, aMovementInput } from '@app/testing';
import { CommandBus } from '@nestjs/cqrs';
import type { ConsumeMessage } from 'amqplib';
import { InMemoryAnalysisCache } from '@app/credit/operations';
import { InMemoryTransactionStore } from '@app/credit/operations';
import { IngestionController } from './ingestion.controller';

const PLATFORM_USER = 'credit-platform';
const contextFor = (userId?: string) =>
  new RabbitMqContext(
    QUEUES.ingestTransactions,
    {
      fields: { redelivered: false },
      properties: { correlationId: 'corr-ingest', headers: {}, userId },
    } as unknown as ConsumeMessage,
  );

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
    controller = new IngestionController(commands, publisher as unknown as RabbitMqPublisher, PLATFORM_USER);
  });

  const batch = (
    events: Record<string,
    unknown>[],
    extra: Partial<IngestTransactionsV1> = {},
  ): IngestTransactionsV1 => ({ batchId: 'b-1', events, ...extra });
  const sources = async () => (
    await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 50 })
  ).events.map((e) => e.source);

  it('records a partner\'s events under its verified broker user, and says per event what was stored or a' +
    ' duplicate', async () => {
    const first = await controller.ingest(
      batch([aMovementInput({ eventId: 'm-1' }) as Record<string, unknown>]),
      contextFor('acme'),
    );
    expect(first).toMatchObject({ ok: true, stored: 1, items: [{ index: 0, eventId: 'm-1', outcome: 'STORED' }] });
    const again = await controller.ingest(
      batch(
        [
          aMovementInput({ eventId: 'm-1' }),
          aMovementInput({ eventId: 'm-2' }),
          aCardPurchaseInput({ eventId: 'bad', mcc: '0000' }),
        ] as Record<string,
        unknown>[],
      ),
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
    expect(publisher.published[0]).toMatchObject({
      routingKey: `${QUEUES.ingestTransactions}.dlq`,
      payload: { source: 'amqp:acme', events: [{ eventId: 'bad' }] },
      options: { headers: { [DEAD_LETTER_HEADERS.code]: 'EVENT_INVALID' } },
    });
  });

  it('stores another partner\'s event with the same id beside the first', async () => {
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
      ).items
    ).toEqual([{ index: 0, eventId: 'shared', outcome: 'STORED' }]);
    expect((await sources()).sort()).toEqual(['amqp:acme', 'amqp:other-bank']);
  });

  it('refuses a batch without user_id as a whole: nobody could say whose events they are', async () => {
    await expect(
      controller.ingest(batch([aMovementInput() as Record<string, unknown>]), contextFor(undefined))
    ).rejects.toMatchObject({ code: 'SOURCE_UNVERIFIED', field: 'properties.user_id' });
    await expect(
      controller.ingest(batch([aMovementInput() as Record<string, unknown>]), contextFor(undefined))
    ).rejects.toBeInstanceOf(PermanentMessageError);
    expect(store.size()).toBe(0);
  });

  it('takes the source a batch names only from the platform\'s own broker user (the API forwarding a REST' +
    ' batch)', async () => {
    await controller.ingest(
      batch([aMovementInput({ eventId: 'rest-1' }) as Record<string, unknown>], { source: 'api:Banco A' }),
      contextFor(PLATFORM_USER),
    );
    expect(await sources()).toEqual(['api:Banco A']);
    await expect(
      controller.ingest(
        batch([aMovementInput({ eventId: 'forged' }) as Record<string, unknown>], { source: 'api:Banco A' }),
        contextFor('acme'),
      )
    ).rejects.toMatchObject({ code: 'SOURCE_NOT_ALLOWED', field: 'source' });
    expect(store.size()).toBe(1);
  });
});
