import { Cpf, FixedClock } from '@app/shared-kernel';
import {
  NOW,
  RecordingEventBus,
  VALID_CPF,
  aCardPurchaseInput,
  aMovementInput,
  anInquiryInput,
  cpfFromBase,
} from '@app/testing';
import { InMemoryAnalysisCache, InMemoryTransactionStore } from '@app/adapters/embedded';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { IngestTransactionsCommand } from './ingest-transactions.command';
import { IngestTransactionsHandler } from './ingest-transactions.handler';
import { validateEvents } from './validate-events';

const OTHER_CPF = cpfFromBase(987_654_321);
const metadata = { correlationId: 'corr-1', clientId: 'partner-x' };
const SOURCE = 'api:partner-x';

describe('IngestTransactionsHandler', () => {
  let store: InMemoryTransactionStore;
  let bus: RecordingEventBus;
  let cache: InMemoryAnalysisCache;
  let handler: IngestTransactionsHandler;

  beforeEach(() => {
    store = new InMemoryTransactionStore();
    bus = new RecordingEventBus();
    cache = new InMemoryAnalysisCache();
    handler = new IngestTransactionsHandler(store, new FixedClock(NOW), bus.notifier(cache));
  });

  const validBatch = () => [
    anInquiryInput({ eventId: 'e-1' }),
    aMovementInput({ eventId: 'e-2' }),
    aCardPurchaseInput({ eventId: 'e-3', cpf: OTHER_CPF }),
  ];

  it('stores every valid event of a batch', async () => {
    const result = await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), SOURCE, metadata));
    expect(result).toMatchObject({ batchId: 'batch-1', stored: 3, duplicates: 0, rejected: [] });
    expect(store.size()).toBe(3);
    const page = await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 10 });
    expect(page.events.map((e) => e.eventId).sort()).toEqual(['e-1', 'e-2']);
  });

  it('stores nothing when the same batch is ingested again, and reports every event as a duplicate', async () => {
    await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), SOURCE, metadata));
    const again = await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), SOURCE, metadata));
    expect(again).toMatchObject({ batchId: 'batch-1', stored: 0, duplicates: 3, rejected: [] });
    expect(again.items.map((i) => i.outcome)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    expect(store.size()).toBe(3);
  });

  it('rejects invalid events with index, event id, field and code, while storing the valid ones', async () => {
    const events = [
      anInquiryInput({ eventId: 'ok-1' }),
      aCardPurchaseInput({ eventId: 'bad-mcc', mcc: '54' }),
      aMovementInput({ eventId: 'ok-2' }),
      anInquiryInput({ eventId: 'bad-cpf', cpf: '123.456.789-00' }),
      { ...aMovementInput(), eventId: undefined },
    ];
    const result = await handler.execute(new IngestTransactionsCommand('batch-2', events, SOURCE, metadata));
    expect(result.stored).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, eventId: 'bad-mcc', field: 'events[1].mcc', code: 'EVENT_INVALID', reason: expect.any(String) },
      {
        index: 3,
        eventId: 'bad-cpf',
        field: 'events[3].cpf',
        code: 'CPF_INVALID',
        reason: 'check digits do not match',
      },
      { index: 4, eventId: null, field: 'events[4].eventId', code: 'EVENT_INVALID', reason: expect.any(String) },
    ]);
    const stored = await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 10 });
    expect(stored.events.map((e) => e.eventId).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('publishes one ConsumerDataChangedEvent naming each touched CPF once, caused by the batch', async () => {
    await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), SOURCE, metadata));
    expect(bus.published).toHaveLength(1);
    const [event] = bus.ofType(ConsumerDataChangedEvent);
    expect(event.dataClass).toBe('TRANSACTIONS');
    expect([...event.cpfs].sort()).toEqual([VALID_CPF, OTHER_CPF].sort());
    expect(event.metadata).toEqual({ correlationId: 'corr-1', clientId: 'partner-x', causationId: 'batch-1' });
  });

  it('publishes again when a batch comes back whole as duplicates, since its first delivery may have died before publishing', async () => {
    // The first delivery stored the events and stopped before it published (a worker killed between the two).
    await store.append(validateEvents(validBatch(), NOW, SOURCE).valid);
    expect(bus.published).toEqual([]);
    const redelivered = await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), SOURCE, metadata));
    expect(redelivered).toMatchObject({ stored: 0, duplicates: 3 });
    const [event] = bus.ofType(ConsumerDataChangedEvent);
    expect(bus.published).toHaveLength(1);
    expect([...event.cpfs].sort()).toEqual([VALID_CPF, OTHER_CPF].sort());
  });

  it('publishes nothing and stores nothing when every event is invalid', async () => {
    const result = await handler.execute(
      new IngestTransactionsCommand('batch-3', [anInquiryInput({ type: 'NOPE' })], SOURCE, metadata),
    );
    expect(result).toMatchObject({ stored: 0, duplicates: 0 });
    expect(result.rejected).toHaveLength(1);
    expect(store.size()).toBe(0);
    expect(bus.published).toEqual([]);
  });

  it('rejects events dated more than a day after the handler clock', async () => {
    const result = await handler.execute(
      new IngestTransactionsCommand(
        'batch-4',
        [anInquiryInput({ occurredAt: '2025-06-17T12:00:01Z' })],
        SOURCE,
        metadata,
      ),
    );
    expect(result.rejected).toEqual([
      expect.objectContaining({ index: 0, field: 'events[0].occurredAt', code: 'EVENT_INVALID' }),
    ]);
  });

  it('accepts an empty batch as a no-op', async () => {
    expect(await handler.execute(new IngestTransactionsCommand('empty', [], SOURCE, metadata))).toEqual({
      batchId: 'empty',
      stored: 0,
      duplicates: 0,
      rejected: [],
      items: [],
    });
    expect(bus.published).toEqual([]);
  });

  describe('idempotency per client', () => {
    it(
      "stores a second client's event that reuses the first client's event id, instead of dropping it as a" +
        ' duplicate',
      async () => {
        await handler.execute(
          new IngestTransactionsCommand(
            'b-a',
            [aMovementInput({ eventId: 'evt-1', amountCents: 100_000 })],
            'api:Banco A',
            metadata,
          ),
        );
        const second = await handler.execute(
          new IngestTransactionsCommand(
            'b-b',
            [aMovementInput({ eventId: 'evt-1', amountCents: 250_000 })],
            'amqp:banco-b',
            metadata,
          ),
        );
        expect(second).toMatchObject({
          stored: 1,
          duplicates: 0,
          items: [{ index: 0, eventId: 'evt-1', outcome: 'STORED' }],
        });
        const page = await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 10 });
        expect(
          page.events.map((e) => [e.source, e.type === 'FINANCIAL_MOVEMENT' ? e.amount.cents : null]).sort(),
        ).toEqual([
          ['amqp:banco-b', 250_000],
          ['api:Banco A', 100_000],
        ]);
      },
    );

    it('says per event what was stored, a duplicate of the same client, or rejected', async () => {
      await handler.execute(
        new IngestTransactionsCommand('first', [anInquiryInput({ eventId: 'old' })], SOURCE, metadata),
      );
      const result = await handler.execute(
        new IngestTransactionsCommand(
          'second',
          [
            anInquiryInput({ eventId: 'old' }),
            aCardPurchaseInput({ eventId: 'bad', mcc: '0000' }),
            aMovementInput({ eventId: 'new' }),
            aMovementInput({ eventId: 'new' }),
          ],
          SOURCE,
          metadata,
        ),
      );
      expect(result.items).toEqual([
        { index: 0, eventId: 'old', outcome: 'DUPLICATE' },
        { index: 1, eventId: 'bad', outcome: 'REJECTED' },
        { index: 2, eventId: 'new', outcome: 'STORED' },
        { index: 3, eventId: 'new', outcome: 'DUPLICATE' },
      ]);
    });
  });
});
