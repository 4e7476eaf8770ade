import { Cpf, DAY_MS, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingEventBus,
  VALID_CPF,
  aConsumer,
  aDay,
  aDebt,
  aRating,
  cpfFromBase,
  saveRating,
} from '@app/testing';
import { WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { CurrentRatings } from '../current-rating/current-ratings.service';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { GetRatingHandler } from './get-rating.handler';
import { GetRatingQuery } from './get-rating.query';

describe('GetRatingHandler', () => {
  let ratings: InMemoryRatingRepository;
  let consumers: InMemoryConsumerRepository;
  let clock: FixedClock;
  let handler: GetRatingHandler;

  beforeEach(() => {
    ratings = new InMemoryRatingRepository();
    consumers = new InMemoryConsumerRepository();
    clock = new FixedClock(new Date(NOW.getTime() + 10 * DAY_MS));
    const rater = new RatingEngine(
      consumers,
      new InMemoryRatingFeaturesRepository(),
      ratings,
      new InMemoryTransactionStore(),
      new WoeLogisticScorer(),
      clock,
      new RecordingEventBus().notifier(new InMemoryAnalysisCache()),
    );
    handler = new GetRatingHandler(ratings, new CurrentRatings(ratings, rater, clock), clock);
  });

  it('returns the latest rating and earlier ones newest first, up to the history limit', async () => {
    for (const [i, score] of [500, 550, 600, 650].entries()) {
      await saveRating(ratings, aRating({ score, generatedAt: new Date(NOW.getTime() + i * DAY_MS) }));
    }
    const view = await handler.execute(new GetRatingQuery('123.456.789-09', 2));
    expect(view.cpf).toBe('123.456.789-09');
    expect(view.current.score).toBe(650);
    expect(view.history.map((r) => r.score)).toEqual([600, 550]);
  });

  it('answers RATING_NOT_FOUND for a CPF never rated', async () => {
    await saveRating(ratings, aRating());
    await expect(handler.execute(new GetRatingQuery(cpfFromBase(987_654_321)))).rejects.toMatchObject({
      code: 'RATING_NOT_FOUND',
    });
    await expect(handler.execute(new GetRatingQuery(VALID_CPF))).resolves.toMatchObject({ history: [] });
  });

  it(
    're-rates a CPF whose stored rating is no longer valid, and leaves unservable ratings out of the' + ' history',
    async () => {
      await consumers.save(aConsumer({ debts: [aDebt({ id: 'gone', dueDate: aDay('2019-06-01') })] }));
      await saveRating(
        ratings,
        aRating({ score: 800, generatedAt: new Date(NOW.getTime() - 3 * DAY_MS), validUntil: null }),
      );
      await saveRating(
        ratings,
        aRating({
          score: 277,
          band: 'E',
          generatedAt: new Date(NOW.getTime() - 2 * DAY_MS),
          validUntil: new Date(NOW.getTime() - DAY_MS),
        }),
      );
      const view = await handler.execute(new GetRatingQuery(VALID_CPF, 5));
      expect(view.current.generatedAt).toBe(clock.now().toISOString());
      expect(view.current.score).not.toBe(277);
      expect(view.history.map((r) => r.score)).toEqual([800]);
      expect((await ratings.latest(Cpf.parse(VALID_CPF)))?.props.generatedAt).toEqual(clock.now());
    },
  );

  it('answers RATING_NOT_FOUND rather than serve an expired rating it cannot replace', async () => {
    // A rating with no consumer and no features left to rate from.
    await saveRating(ratings, aRating({ validUntil: new Date(NOW.getTime() + DAY_MS) }));
    await expect(handler.execute(new GetRatingQuery(VALID_CPF))).rejects.toMatchObject({ code: 'RATING_NOT_FOUND' });
  });
});
