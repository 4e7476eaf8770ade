import { RatingChangedEvent, RatingEngine } from '@app/credit-application';
import { PermanentMessageError, RabbitMqBatchContext, RabbitMqContext, ratingsProcessed } from '@app/platform';
import { Cpf, FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingEventBus, aConsumer, distinctCpfs } from '@app/testing';
import { CommandBus } from '@nestjs/cqrs';
import type { ConsumeMessage } from 'amqplib';
import { WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { RatingController } from './rating.controller';

const QUEUE = 'credit.ratings.rescore.v1';
const delivery = (redelivered = false) =>
  new RabbitMqContext(
    QUEUE,
    {
      fields: { redelivered },
      properties: { correlationId: 'corr-rescore', headers: {} },
    } as unknown as ConsumeMessage,
    5,
  );
const batchOf = (...contexts: RabbitMqContext[]) => new RabbitMqBatchContext(QUEUE, contexts);
/** credit_ratings_processed_total for a trigger and outcome: what ratings per second are computed from. */
const processed = async (trigger: string, outcome: string): Promise<number> => {
  const { values } = await ratingsProcessed.get();
  return Number(values.find((v) => v.labels.trigger === trigger && v.labels.outcome === outcome)?.value ?? 0);
};

describe('RatingController.rescore', () => {
  let consumers: InMemoryConsumerRepository;
  let ratings: InMemoryRatingRepository;
  let transactions: InMemoryTransactionStore;
  let controller: RatingController;
  let engine: RatingEngine;
  let bus: RecordingEventBus;

  beforeEach(() => {
    consumers = new InMemoryConsumerRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    bus = new RecordingEventBus();
    engine = new RatingEngine(
      consumers,
      new InMemoryRatingFeaturesRepository(),
      ratings,
      transactions,
      new WoeLogisticScorer(),
      new FixedClock(NOW),
      bus.notifier(new InMemoryAnalysisCache()),
    );
    controller = new RatingController(undefined as unknown as CommandBus, engine);
  });

  const someConsumers = async (n: number): Promise<string[]> => {
    const cpfs = distinctCpfs(n);
    for (const cpf of cpfs) await consumers.save(aConsumer({ cpf }));
    return cpfs;
  };

  it('rates each CPF of a batch once however many of its messages name it, and acks them all', async () => {
    const cpfs = await someConsumers(5);
    const asked: number[] = [];
    const rateCpfs = engine.rateCpfs.bind(engine);
    engine.rateCpfs = async (list, metadata, options) => {
      asked.push(list.length);
      return rateCpfs(list, metadata, options);
    };
    const ratedBefore = await processed('rescore', 'rated');
    const messages = Array.from({ length: 50 }, () => ({ cpfs: [cpfs[0]!, ...cpfs.slice(1)] }));
    expect(await controller.rescore(messages, batchOf(...messages.map(() => delivery())))).toEqual(
      messages.map(() => null),
    );
    expect(asked).toEqual([5]);
    expect(controller.rescoreStats).toEqual({ batches: 1, messages: 50, cpfsRated: 5 });
    expect(await processed('rescore', 'rated')).toBe(ratedBefore + 5);
    for (const cpf of cpfs) expect(await ratings.history(Cpf.parse(cpf), 10)).toHaveLength(1);
    expect(bus.ofType(RatingChangedEvent)).toHaveLength(5);
  });

  it('announces unchanged ratings again only for the messages delivered before', async () => {
    const [first, second] = await someConsumers(2);
    await controller.rescore([{ cpfs: [first!, second!] }], batchOf(delivery()));
    bus.clear();
    expect(
      await controller.rescore([{ cpfs: [first!] }, { cpfs: [second!] }], batchOf(delivery(true), delivery())),
    ).toEqual([null, null]);
    const again = bus.ofType(RatingChangedEvent);
    expect(again.map((e) => e.rating.cpf.value)).toEqual([first]);
    expect(again[0]?.previousScore).toBeNull();
  });

  it('dead-letters the message with an invalid CPF and rates the others', async () => {
    const [good] = await someConsumers(1);
    const results = await controller.rescore(
      [{ cpfs: ['123.456.789-00'] }, { cpfs: [good!] }],
      batchOf(delivery(), delivery()),
    );
    expect(results[0]).toBeInstanceOf(PermanentMessageError);
    expect(results[0]).toMatchObject({ code: 'CPF_INVALID', field: 'cpfs[0]' });
    expect(results[1]).toBeNull();
    expect(await ratings.latest(Cpf.parse(good!))).not.toBeNull();
  });

  it('fails the whole batch when a store fails, so it is retried', async () => {
    const cpfs = await someConsumers(2);
    transactions.scoringActivityMany = async () => {
      throw new Error('elasticsearch away');
    };
    await expect(controller.rescore([{ cpfs }], batchOf(delivery()))).rejects.toThrow(/elasticsearch away/);
  });
});
