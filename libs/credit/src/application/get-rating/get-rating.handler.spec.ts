import { DAY_MS } from '@app/shared-kernel';
import { NOW, VALID_CPF, aRating, cpfFromBase, saveRating } from '@app/testing';
import { InMemoryRatingRepository } from '../../infrastructure/embedded/in-memory-rating.repository';
import { GetRatingHandler } from './get-rating.handler';
import { GetRatingQuery } from './get-rating.query';

describe('GetRatingHandler', () => {
  it('returns the latest rating and earlier ones newest first, up to the history limit', async () => {
    const ratings = new InMemoryRatingRepository();
    for (const [i, score] of [500, 550, 600, 650].entries()) {
      await saveRating(ratings, aRating({ score, generatedAt: new Date(NOW.getTime() + i * DAY_MS) }));
    }
    const view = await new GetRatingHandler(ratings).execute(new GetRatingQuery('123.456.789-09', 2));
    expect(view.cpf).toBe('123.456.789-09');
    expect(view.current.score).toBe(650);
    expect(view.history.map((r) => r.score)).toEqual([600, 550]);
  });

  it('answers RATING_NOT_FOUND for a CPF never rated', async () => {
    const ratings = new InMemoryRatingRepository();
    await saveRating(ratings, aRating());
    await expect(new GetRatingHandler(ratings).execute(new GetRatingQuery(cpfFromBase(987_654_321)))).rejects.toMatchObject({ code: 'RATING_NOT_FOUND' });
    await expect(new GetRatingHandler(ratings).execute(new GetRatingQuery(VALID_CPF))).resolves.toMatchObject({ history: [] });
  });
});
