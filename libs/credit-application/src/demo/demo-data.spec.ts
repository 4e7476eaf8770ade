import { Cpf, FixedClock } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import { InMemoryConsumerRepository, RecordingEventBus } from '@app/testing';
import { validateEvents } from '../ingest-transactions/validate-events';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { consumerFromInput } from '../upsert-consumer/upsert-consumer.handler';
import { ratingFeaturesFromInput } from '../upsert-rating-features/upsert-rating-features.handler';
import { WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { DemoMarks } from '../ports/demo-marks';
import { DemoDataLoader } from './demo-data.loader';
import { DEMO_CPF, generateDemoConsumers, seededRandom } from './demo-data';

const REFERENCE = new Date('2025-06-15T09:30:00Z');

describe('generateDemoConsumers', () => {
  const demo = generateDemoConsumers(1000, REFERENCE);

  it('is deterministic: the same count and day give the same base', () => {
    expect(JSON.stringify(generateDemoConsumers(1000, REFERENCE))).toBe(JSON.stringify(demo));
  });

  it('depends on the day only, not the time of day', () => {
    expect(JSON.stringify(generateDemoConsumers(5, new Date('2025-06-15T23:59:00Z')))).toBe(
      JSON.stringify(demo.slice(0, 5)),
    );
  });

  it('generates exactly the requested number of consumers', () => {
    expect(demo).toHaveLength(1000);
    expect(generateDemoConsumers(1, REFERENCE)).toHaveLength(1);
  });

  it(`starts with the documented demo CPF ${DEMO_CPF}`, () => {
    expect(demo[0].consumer.cpf).toBe('12345678909');
  });

  it('gives every consumer a valid CPF of its own, the same in consumer, features and events', () => {
    const cpfs = demo.map((d) => d.consumer.cpf);
    expect(cpfs.every((c) => Cpf.isValid(c))).toBe(true);
    expect(new Set(cpfs).size).toBe(1000);
    const mismatched = demo.filter(
      (d) => d.features.cpf !== d.consumer.cpf || d.events.some((e) => e.cpf !== d.consumer.cpf),
    );
    expect(mismatched).toEqual([]);
  });

  it('generates only events that pass validation on the reference day', () => {
    const events = demo.flatMap((d) => d.events);
    const { valid, rejected } = validateEvents(events, REFERENCE);
    expect(rejected).toEqual([]);
    expect(valid).toHaveLength(events.length);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('generates all three event types', () => {
    expect(new Set(demo.flatMap((d) => d.events.map((e) => e.type)))).toEqual(
      new Set(['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT', 'CARD_PURCHASE']),
    );
  });

  it('generates consumers and rating features that the domain accepts', () => {
    // Each factory throws on the first rule broken, so mapping the whole base is the assertion.
    expect(demo.map((d) => consumerFromInput(d.consumer, REFERENCE).cpf.value)).toEqual(
      demo.map((d) => d.consumer.cpf),
    );
    expect(demo.map((d) => ratingFeaturesFromInput(d.features, REFERENCE).props.cpf.value)).toEqual(
      demo.map((d) => d.consumer.cpf),
    );
  });

  it('includes debts older than five years, so the reporting limit shows', () => {
    const consumers = demo.map((d) => consumerFromInput(d.consumer, REFERENCE));
    const held = consumers.reduce((n, c) => n + c.debts.length, 0);
    const reportable = consumers.reduce((n, c) => n + c.reportableDebts(REFERENCE).length, 0);
    expect(reportable).toBeGreaterThan(0);
    expect(reportable).toBeLessThan(held);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays within [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });
});

/** The port as a store would keep it: the CPFs marked, and when. */
class ListedDemoMarks extends DemoMarks {
  readonly cpfs: string[] = [];
  async markRatingSubjects(cpfs: readonly string[]): Promise<void> {
    this.cpfs.push(...cpfs);
  }
}

describe('DemoDataLoader', () => {
  function wire(count: number) {
    const clock = new FixedClock(REFERENCE);
    const consumers = new InMemoryConsumerRepository();
    const features = new InMemoryRatingFeaturesRepository();
    const ratings = new InMemoryRatingRepository();
    const transactions = new InMemoryTransactionStore();
    const rater = new RatingEngine(
      consumers,
      features,
      ratings,
      transactions,
      new WoeLogisticScorer(),
      clock,
      new RecordingEventBus().notifier(new InMemoryAnalysisCache()),
    );
    const marks = new ListedDemoMarks();
    return {
      consumers,
      features,
      ratings,
      transactions,
      marks,
      loader: new DemoDataLoader(consumers, features, transactions, rater, clock, marks, count),
    };
  }

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('loads the base into empty stores and rates every consumer', async () => {
    const { loader, consumers, features, ratings, transactions } = wire(20);
    expect(await loader.loadIfEmpty()).toBe(20);
    const demo = generateDemoConsumers(20, REFERENCE);
    expect(consumers.size()).toBe(20);
    expect(await features.estimatedCount()).toBe(20);
    expect(transactions.size()).toBe(demo.reduce((n, d) => n + d.events.length, 0));
    for (const d of demo) expect(await ratings.latest(Cpf.parse(d.consumer.cpf))).not.toBeNull();
  });

  it('marks every CPF whose rating inputs it writes, so that the demo can be found and removed', async () => {
    const { loader, marks } = wire(7);
    await loader.loadIfEmpty();
    expect(marks.cpfs).toEqual(generateDemoConsumers(7, REFERENCE).map((d) => d.consumer.cpf));
  });

  it('loads nothing when the demo consumer is already there', async () => {
    const { loader, transactions } = wire(5);
    await loader.loadIfEmpty();
    const size = transactions.size();
    expect(await loader.loadIfEmpty()).toBe(0);
    expect(transactions.size()).toBe(size);
  });

  it('loads nothing when the count is zero', async () => {
    const { loader, consumers } = wire(0);
    expect(await loader.loadIfEmpty()).toBe(0);
    expect(consumers.size()).toBe(0);
  });
});
