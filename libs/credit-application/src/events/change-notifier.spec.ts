import { Cpf } from '@app/shared-kernel';
import { NOW, RecordingEventBus, VALID_CPF, aRating, cpfFromBase } from '@app/testing';
import { InMemoryAnalysisCache } from '@app/adapters/embedded';
import { ChangeEvent, ChangeNotifier, IntegrationEvents } from './change-notifier';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';
import { RatingChangedEvent } from './rating-changed.event';

/** A broker that confirms only when the test says so. */
class ConfirmOnDemand extends IntegrationEvents {
  readonly pending: { event: ChangeEvent; confirm: () => void }[] = [];

  publish(event: ChangeEvent): Promise<void> {
    return new Promise((resolve) => this.pending.push({ event, confirm: resolve }));
  }
}

const OTHER_CPF = cpfFromBase(987_654_321);
const metadata = { correlationId: 'corr-n' };

describe('ChangeNotifier', () => {
  let cache: InMemoryAnalysisCache;
  let bus: RecordingEventBus;
  let broker: ConfirmOnDemand;
  let notifier: ChangeNotifier;

  beforeEach(async () => {
    cache = new InMemoryAnalysisCache();
    bus = new RecordingEventBus();
    broker = new ConfirmOnDemand();
    notifier = new ChangeNotifier(cache, bus.asEventBus(), broker);
    for (const cpf of [VALID_CPF, OTHER_CPF]) await cache.set(Cpf.parse(cpf), `{"cpf":"${cpf}"}`, 300_000);
  });

  it('completes only once the broker has the event, with the changed CPFs evicted and the others kept', async () => {
    const event = new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', metadata);
    let done = false;
    const notified = notifier.notify(event).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    expect(await cache.get(Cpf.parse(VALID_CPF))).toBeNull();
    expect(await cache.get(Cpf.parse(OTHER_CPF))).not.toBeNull();
    expect(broker.pending.map((p) => p.event)).toEqual([event]);
    expect(bus.published).toEqual([]); // in-process reactions come after the hand-over

    broker.pending[0]!.confirm();
    await notified;
    expect(done).toBe(true);
    expect(bus.published).toEqual([event]);
  });

  it('evicts the CPF of a new rating', async () => {
    const rating = aRating({ generatedAt: NOW });
    const notified = notifier.notify(new RatingChangedEvent(rating, null, metadata));
    await new Promise((r) => setImmediate(r));
    broker.pending[0]!.confirm();
    await notified;
    expect(await cache.get(rating.cpf)).toBeNull();
  });

  it('needs no broker in the embedded default', async () => {
    const local = new ChangeNotifier(cache, bus.asEventBus());
    const event = new ConsumerDataChangedEvent([OTHER_CPF], 'TRANSACTIONS', metadata);
    await local.notify(event);
    expect(await cache.get(Cpf.parse(OTHER_CPF))).toBeNull();
    expect(bus.published).toEqual([event]);
  });
});
