import { Cpf, FixedClock } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import { InMemoryConsumerRepository, NOW, RecordingEventBus, aConsumer, distinctCpfs } from '@app/testing';
import { WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';
import { RescoreOnChangeHandler } from './rescore-on-change.handler';

describe('RescoreOnChangeHandler', () => {
  const [a, b] = distinctCpfs(2) as [string, string];
  let ratings: InMemoryRatingRepository;
  let consumers: InMemoryConsumerRepository;
  let engine: RatingEngine;
  let handler: RescoreOnChangeHandler;

  beforeEach(async () => {
    consumers = new InMemoryConsumerRepository();
    await consumers.save(aConsumer({ cpf: a }));
    await consumers.save(aConsumer({ cpf: b }));
    ratings = new InMemoryRatingRepository();
    engine = new RatingEngine(
      consumers,
      new InMemoryRatingFeaturesRepository(),
      ratings,
      new InMemoryTransactionStore(),
      new WoeLogisticScorer(),
      new FixedClock(NOW),
      new RecordingEventBus().notifier(new InMemoryAnalysisCache()),
    );
    handler = new RescoreOnChangeHandler(engine);
  });

  it.each(['CONSUMER', 'RATING_FEATURES', 'TRANSACTIONS'] as const)(
    're-scores every CPF named by a %s change',
    async (dataClass) => {
      handler.handle(new ConsumerDataChangedEvent([a, b, a], dataClass, { correlationId: 'c' }));
      await handler.drained();
      expect(await ratings.history(Cpf.parse(a), 10)).toHaveLength(1);
      expect(await ratings.history(Cpf.parse(b), 10)).toHaveLength(1);
    },
  );

  it('coalesces: fifty changes of one CPF in a row are one rating of it, and show as a backlog until then', async () => {
    const asked: number[] = [];
    const rateCpfs = engine.rateCpfs.bind(engine);
    engine.rateCpfs = async (cpfs, metadata, options) => {
      asked.push(cpfs.length);
      return rateCpfs(cpfs, metadata, options);
    };
    for (let i = 0; i < 50; i++)
      handler.handle(new ConsumerDataChangedEvent([a], 'TRANSACTIONS', { correlationId: `batch-${i}` }));
    expect(handler.backlog().cpfsWaiting).toBe(1);
    await handler.drained();
    expect(asked).toEqual([1]);
    expect(handler.backlog()).toEqual({ cpfsWaiting: 0, oldestWaitMs: 0 });
  });

  it('leaves a CPF that was not named unrated', async () => {
    handler.handle(new ConsumerDataChangedEvent([a], 'CONSUMER', { correlationId: 'c' }));
    await handler.drained();
    expect(await ratings.latest(Cpf.parse(b))).toBeNull();
  });

  it('logs a value that is not a CPF and keeps going with the rest', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      handler.handle(new ConsumerDataChangedEvent(['not-a-cpf', b], 'CONSUMER', { correlationId: 'c' }));
      await handler.drained();
      expect(await ratings.latest(Cpf.parse(b))).not.toBeNull();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('re-scoring after a CONSUMER change skipped'));
    } finally {
      logged.mockRestore();
    }
  });
});
