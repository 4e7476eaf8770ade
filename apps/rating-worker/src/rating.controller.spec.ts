import { ConsumerRater, RATING_WINDOW, RatingChangedEvent } from '@app/credit';
import { RabbitMqContext } from '@app/platform';
import { Cpf, FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, RecordingEventBus, aConsumer } from '@app/testing';
import { CommandBus } from '@nestjs/cqrs';
import type { ConsumeMessage } from 'amqplib';
import { WoeLogisticScorer } from '../../../libs/credit/src/domain/scoring/woe-logistic-scorer';
import { InMemoryAnalysisCache } from '../../../libs/credit/src/infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from '../../../libs/credit/src/infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingRepository } from '../../../libs/credit/src/infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from '../../../libs/credit/src/infrastructure/embedded/in-memory-transaction.store';
import { uniqueCpf } from '../../../libs/testing/src/contracts';
import { RatingController } from './rating.controller';

const context = new RabbitMqContext('credit.ratings.rescore.v1', { fields: { redelivered: false }, properties: { correlationId: 'corr-rescore', headers: {} } } as unknown as ConsumeMessage);

describe('RatingController.rescore', () => {
  let consumers: InMemoryConsumerRepository;
  let ratings: InMemoryRatingRepository;
  let transactions: InMemoryTransactionStore;
  let controller: RatingController;
  let bus: RecordingEventBus;

  beforeEach(() => {
    consumers = new InMemoryConsumerRepository();
    ratings = new InMemoryRatingRepository();
    transactions = new InMemoryTransactionStore();
    bus = new RecordingEventBus();
    const rater = new ConsumerRater(consumers, new InMemoryRatingFeaturesRepository(), ratings, transactions, new WoeLogisticScorer(), new FixedClock(NOW), bus.notifier(new InMemoryAnalysisCache()));
    controller = new RatingController(undefined as unknown as CommandBus, rater);
  });

  const someConsumers = async (n: number): Promise<string[]> => {
    const cpfs = Array.from({ length: n }, () => uniqueCpf().value);
    for (const cpf of cpfs) await consumers.save(aConsumer({ cpf }));
    return cpfs;
  };

  it('rates every CPF once, reading C summaries one window at a time', async () => {
    const cpfs = await someConsumers(RATING_WINDOW + 3);
    const windows: number[] = [];
    const summarizeMany = transactions.summarizeMany.bind(transactions);
    transactions.summarizeMany = async (asked, now) => {
      windows.push(asked.length);
      return summarizeMany(asked, now);
    };
    expect(await controller.rescore({ cpfs: [...cpfs, cpfs[0]!] }, context)).toEqual({ rated: cpfs.length });
    expect(windows).toEqual([RATING_WINDOW, 3]);
    for (const cpf of cpfs) expect(await ratings.latest(Cpf.parse(cpf))).not.toBeNull();
    // Rescoring unchanged data writes nothing new.
    expect(await controller.rescore({ cpfs }, context)).toEqual({ rated: 0 });
  });

  it('announces unchanged ratings again for a message delivered before, which may have died before announcing them', async () => {
    const cpfs = await someConsumers(3);
    await controller.rescore({ cpfs }, context);
    expect(bus.ofType(RatingChangedEvent)).toHaveLength(3);
    bus.clear();
    expect(await controller.rescore({ cpfs }, context)).toEqual({ rated: 0 });
    expect(bus.published).toEqual([]);

    const redelivered = new RabbitMqContext('credit.ratings.rescore.v1', { fields: { redelivered: true }, properties: { correlationId: 'corr-again', headers: {} } } as unknown as ConsumeMessage);
    expect(await controller.rescore({ cpfs }, redelivered)).toEqual({ rated: 0 });
    const again = bus.ofType(RatingChangedEvent);
    expect(again.map((e) => e.rating.cpf.value).sort()).toEqual([...cpfs].sort());
    expect(again.map((e) => e.previousScore)).toEqual([null, null, null]); // still the first rating of each
    for (const e of again) expect(e.rating.props.score).toBe((await ratings.latest(e.rating.cpf))!.props.score);
  });

  it('rates the other CPFs when one fails, then throws that failure so the message is retried', async () => {
    const cpfs = await someConsumers(3);
    const summarize = transactions.summarize.bind(transactions);
    transactions.summarizeMany = async () => {
      throw new Error('shared read refused');
    };
    transactions.summarize = async (cpf, now) => {
      if (cpf.value === cpfs[1]) throw new Error(`summary of ${cpf.masked} unavailable`);
      return summarize(cpf, now);
    };
    await expect(controller.rescore({ cpfs }, context)).rejects.toThrow(/unavailable/);
    expect(await ratings.latest(Cpf.parse(cpfs[0]!))).not.toBeNull();
    expect(await ratings.latest(Cpf.parse(cpfs[1]!))).toBeNull();
    expect(await ratings.latest(Cpf.parse(cpfs[2]!))).not.toBeNull();
  });
});
