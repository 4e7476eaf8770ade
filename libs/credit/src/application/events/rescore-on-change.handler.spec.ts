import { Cpf, FixedClock } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import { InMemoryConsumerRepository, NOW, RecordingEventBus, aConsumer, distinctCpfs } from '@app/testing';
import { WoeLogisticScorer } from '../../domain/scoring/woe-logistic-scorer';
import { InMemoryAnalysisCache } from '../../infrastructure/embedded/in-memory-analysis.cache';
import { InMemoryRatingFeaturesRepository } from '../../infrastructure/embedded/in-memory-rating-features.repository';
import { InMemoryRatingRepository } from '../../infrastructure/embedded/in-memory-rating.repository';
import { InMemoryTransactionStore } from '../../infrastructure/embedded/in-memory-transaction.store';
import { ConsumerRater, RATING_WINDOW } from '../rate-consumer/consumer-rater.service';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';
import { RescoreOnChangeHandler } from './rescore-on-change.handler';

describe('RescoreOnChangeHandler', () => {
  const [a, b] = distinctCpfs(2);
  let ratings: InMemoryRatingRepository;
  let consumers: InMemoryConsumerRepository;
  let transactions: InMemoryTransactionStore;
  let handler: RescoreOnChangeHandler;

  beforeEach(async () => {
    consumers = new InMemoryConsumerRepository();
    transactions = new InMemoryTransactionStore();
    await consumers.save(aConsumer({ cpf: a }));
    await consumers.save(aConsumer({ cpf: b }));
    ratings = new InMemoryRatingRepository();
    const rater = new ConsumerRater(consumers, new InMemoryRatingFeaturesRepository(), ratings, transactions, new WoeLogisticScorer(), new FixedClock(NOW), new RecordingEventBus().notifier(new InMemoryAnalysisCache()));
    handler = new RescoreOnChangeHandler(rater);
  });

  it.each(['CONSUMER', 'RATING_FEATURES', 'TRANSACTIONS'] as const)('re-scores every CPF named by a %s change', async (dataClass) => {
    await handler.handle(new ConsumerDataChangedEvent([a, b, a], dataClass, { correlationId: 'c' }));
    expect(await ratings.history(Cpf.parse(a), 10)).toHaveLength(1);
    expect(await ratings.history(Cpf.parse(b), 10)).toHaveLength(1);
  });

  it('rates a long list in windows, reading the C summaries of each window at once', async () => {
    const many = distinctCpfs(RATING_WINDOW + 5);
    for (const cpf of many) await consumers.save(aConsumer({ cpf }));
    const windows: number[] = [];
    const summarizeMany = transactions.summarizeMany.bind(transactions);
    transactions.summarizeMany = async (asked, now) => {
      windows.push(asked.length);
      return summarizeMany(asked, now);
    };
    await handler.handle(new ConsumerDataChangedEvent(many, 'TRANSACTIONS', { correlationId: 'c' }));
    expect(windows).toEqual([RATING_WINDOW, 5]);
    for (const cpf of many) expect(await ratings.latest(Cpf.parse(cpf))).not.toBeNull();
  });

  it('leaves a CPF that was not named unrated', async () => {
    await handler.handle(new ConsumerDataChangedEvent([a], 'CONSUMER', { correlationId: 'c' }));
    expect(await ratings.latest(Cpf.parse(b))).toBeNull();
  });

  it('logs a CPF that cannot be rated and keeps going with the rest', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      await handler.handle(new ConsumerDataChangedEvent(['not-a-cpf', b], 'CONSUMER', { correlationId: 'c' }));
      expect(await ratings.latest(Cpf.parse(b))).not.toBeNull();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('re-scoring after a CONSUMER change failed'));
    } finally {
      logged.mockRestore();
    }
  });
});
