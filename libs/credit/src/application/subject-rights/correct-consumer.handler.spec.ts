import { Cpf, FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingEventBus, VALID_CPF, aConsumer, cpfFromBase } from '@app/testing';
import { InMemoryAnalysisCache } from '../../infrastructure/embedded/in-memory-analysis.cache';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { CorrectConsumerCommand } from './correct-consumer.command';
import { CorrectConsumerHandler } from './correct-consumer.handler';

const metadata = { correlationId: 'corr-fix' };
const cpf = Cpf.parse(VALID_CPF);

describe('CorrectConsumerHandler', () => {
  let consumers: InMemoryConsumerRepository;
  let cache: InMemoryAnalysisCache;
  let bus: RecordingEventBus;
  let handler: CorrectConsumerHandler;

  beforeEach(async () => {
    consumers = new InMemoryConsumerRepository();
    cache = new InMemoryAnalysisCache();
    bus = new RecordingEventBus();
    handler = new CorrectConsumerHandler(consumers, new FixedClock(NOW), bus.notifier(cache));
    await consumers.save(aConsumer({ name: 'Maria da Silva Santo' }));
  });

  const correctName = (value: string) => handler.execute(new CorrectConsumerCommand(VALID_CPF, { field: 'name', value }, 'typo in the surname', metadata));

  it('stores the corrected field, evicts the cached analysis and announces the change', async () => {
    await cache.set(cpf, '{"name":"Maria da Silva Santo"}', 300_000);
    expect(await correctName('Maria da Silva Santos')).toEqual({ field: 'name', changed: true });
    expect((await consumers.findByCpf(cpf))?.name).toBe('Maria da Silva Santos');
    expect(await cache.get(cpf)).toBeNull();
    expect(bus.published).toEqual([new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', metadata)]);
  });

  it('announces a repeated correction again, which a retry after a crash relies on, without storing anything', async () => {
    await correctName('Maria da Silva Santos');
    const stored = await consumers.findByCpf(cpf);
    bus.clear();
    expect(await correctName('Maria da Silva Santos')).toEqual({ field: 'name', changed: false });
    expect(await consumers.findByCpf(cpf)).toEqual(stored);
    expect(bus.published).toEqual([new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', metadata)]);
  });

  it('answers CONSUMER_NOT_FOUND for an unknown CPF and announces nothing', async () => {
    await expect(handler.execute(new CorrectConsumerCommand(cpfFromBase(987_654_321), { field: 'name', value: 'X' }, 'r', metadata))).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });
    expect(bus.published).toEqual([]);
  });
});
