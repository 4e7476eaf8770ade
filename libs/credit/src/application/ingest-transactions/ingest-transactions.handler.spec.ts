import { Cpf, FixedClock } from '@app/shared-kernel';
import { NOW, RecordingEventBus, VALID_CPF, aCardPurchaseInput, aMovementInput, anInquiryInput, cpfFromBase } from '@app/testing';
import { InMemoryAnalysisCache } from '../../infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryTransactionStore } from '../../infrastructure/embedded/in-memory-transaction.store';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { IngestTransactionsCommand } from './ingest-transactions.command';
import { IngestTransactionsHandler } from './ingest-transactions.handler';
import { validateEvents } from './validate-events';

const OTHER_CPF = cpfFromBase(987_654_321);
const metadata = { correlationId: 'corr-1', clientId: 'partner-x' };

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
    const result = await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), metadata));
    expect(result).toEqual({ batchId: 'batch-1', stored: 3, duplicates: 0, rejected: [] });
    expect(store.size()).toBe(3);
    const page = await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 10 });
    expect(page.events.map((e) => e.eventId).sort()).toEqual(['e-1', 'e-2']);
  });

  it('stores nothing when the same batch is ingested again, and reports every event as a duplicate', async () => {
    await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), metadata));
    const again = await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), metadata));
    expect(again).toEqual({ batchId: 'batch-1', stored: 0, duplicates: 3, rejected: [] });
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
    const result = await handler.execute(new IngestTransactionsCommand('batch-2', events, metadata));
    expect(result.stored).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, eventId: 'bad-mcc', field: 'events[1].mcc', code: 'EVENT_INVALID', reason: expect.any(String) },
      { index: 3, eventId: 'bad-cpf', field: 'events[3].cpf', code: 'CPF_INVALID', reason: 'check digits do not match' },
      { index: 4, eventId: null, field: 'events[4].eventId', code: 'EVENT_INVALID', reason: expect.any(String) },
    ]);
    const stored = await store.list(Cpf.parse(VALID_CPF), { from: new Date(0), to: NOW, limit: 10 });
    expect(stored.events.map((e) => e.eventId).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('publishes one ConsumerDataChangedEvent naming each touched CPF once, caused by the batch', async () => {
    await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), metadata));
    expect(bus.published).toHaveLength(1);
    const [event] = bus.ofType(ConsumerDataChangedEvent);
    expect(event.dataClass).toBe('TRANSACTIONS');
    expect([...event.cpfs].sort()).toEqual([VALID_CPF, OTHER_CPF].sort());
    expect(event.metadata).toEqual({ correlationId: 'corr-1', clientId: 'partner-x', causationId: 'batch-1' });
  });

  it('publishes again when a batch comes back whole as duplicates, since its first delivery may have died before publishing', async () => {
    // The first delivery stored the events and stopped before it published (a worker killed between the two).
    await store.append(validateEvents(validBatch(), NOW).valid);
    expect(bus.published).toEqual([]);
    const redelivered = await handler.execute(new IngestTransactionsCommand('batch-1', validBatch(), metadata));
    expect(redelivered).toMatchObject({ stored: 0, duplicates: 3 });
    const [event] = bus.ofType(ConsumerDataChangedEvent);
    expect(bus.published).toHaveLength(1);
    expect([...event.cpfs].sort()).toEqual([VALID_CPF, OTHER_CPF].sort());
  });

  it('publishes nothing and stores nothing when every event is invalid', async () => {
    const result = await handler.execute(new IngestTransactionsCommand('batch-3', [anInquiryInput({ type: 'NOPE' })], metadata));
    expect(result).toMatchObject({ stored: 0, duplicates: 0 });
    expect(result.rejected).toHaveLength(1);
    expect(store.size()).toBe(0);
    expect(bus.published).toEqual([]);
  });

  it('rejects events dated more than a day after the handler clock', async () => {
    const result = await handler.execute(new IngestTransactionsCommand('batch-4', [anInquiryInput({ occurredAt: '2025-06-17T12:00:01Z' })], metadata));
    expect(result.rejected).toEqual([expect.objectContaining({ index: 0, field: 'events[0].occurredAt', code: 'EVENT_INVALID' })]);
  });

  it('accepts an empty batch as a no-op', async () => {
    expect(await handler.execute(new IngestTransactionsCommand('empty', [], metadata))).toEqual({ batchId: 'empty', stored: 0, duplicates: 0, rejected: [] });
    expect(bus.published).toEqual([]);
  });
});
