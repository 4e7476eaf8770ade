import { Cpf, DAY_MS, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingAuditLog,
  RecordingEventBus,
  VALID_CPF,
  aConsumer,
  aRating,
  saveRating,
} from '@app/testing';
import { WoeLogisticScorer } from '@app/credit-domain';
import {
  InMemoryAnalysisCache,
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { CALENDAR_RERATING_CLIENT, CurrentRatings } from './current-ratings.service';

const cpf = Cpf.parse(VALID_CPF);

describe('CurrentRatings', () => {
  let ratings: InMemoryRatingRepository;
  let consumers: InMemoryConsumerRepository;
  let audit: RecordingAuditLog;
  let clock: FixedClock;
  let current: CurrentRatings;

  beforeEach(async () => {
    ratings = new InMemoryRatingRepository();
    consumers = new InMemoryConsumerRepository();
    audit = new RecordingAuditLog();
    clock = new FixedClock(NOW);
    const rater = new RatingEngine(
      consumers,
      new InMemoryRatingFeaturesRepository(),
      ratings,
      new InMemoryTransactionStore(),
      new WoeLogisticScorer(),
      clock,
      new RecordingEventBus().notifier(new InMemoryAnalysisCache()),
      audit,
    );
    current = new CurrentRatings(ratings, rater, clock);
    await consumers.save(aConsumer());
  });

  it('serves the stored rating while it is valid, without re-rating', async () => {
    const stored = aRating({ validUntil: new Date(NOW.getTime() + 1) });
    await saveRating(ratings, stored);
    expect(await current.current(cpf)).toBe(stored);
    expect(audit.recorded).toEqual([]);
  });

  it("re-rates once for concurrent reads of one expired rating, audited as the calendar's doing", async () => {
    await saveRating(ratings, aRating({ validUntil: NOW }));
    const [a, b, c] = await Promise.all([current.current(cpf), current.current(cpf), current.current(cpf)]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a?.props.generatedAt).toEqual(NOW);
    expect(await ratings.history(cpf, 10)).toHaveLength(2);
    expect(audit.recorded.map((e) => [e.clientId, e.action, e.resource])).toEqual([
      [CALENDAR_RERATING_CLIENT, 'WRITE', 'RATING'],
    ]);
  });

  it('treats a rating stored before validity was kept (valid until its generation) as expired', async () => {
    await saveRating(
      ratings,
      aRating({ generatedAt: new Date(NOW.getTime() - DAY_MS), validUntil: new Date(NOW.getTime() - DAY_MS) }),
    );
    expect((await current.current(cpf))?.props.generatedAt).toEqual(NOW);
  });

  it('serves no rating, never the expired one, when nothing is left to rate from', async () => {
    await saveRating(ratings, aRating({ cpf: Cpf.parse('52998224725'), validUntil: NOW }));
    expect(await current.current(Cpf.parse('52998224725'))).toBeNull();
  });
});
