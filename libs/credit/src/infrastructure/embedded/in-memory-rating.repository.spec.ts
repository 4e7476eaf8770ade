import { Cpf, DAY_MS } from '@app/shared-kernel';
import { NOW, VALID_CPF, aRating, cpfFromBase } from '@app/testing';
import { InMemoryRatingRepository } from './in-memory-rating.repository';

const cpf = Cpf.parse(VALID_CPF);

describe('InMemoryRatingRepository', () => {
  it('answers the newest rating as the latest and the history newest first', async () => {
    const repo = new InMemoryRatingRepository();
    for (const score of [100, 200, 300]) await repo.save(aRating({ score }));
    expect((await repo.latest(cpf))?.props.score).toBe(300);
    expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([300, 200, 100]);
    expect((await repo.history(cpf, 2)).map((r) => r.props.score)).toEqual([300, 200]);
  });

  it('keeps the 50 newest ratings of a CPF', async () => {
    const repo = new InMemoryRatingRepository();
    for (let i = 0; i < 55; i++) await repo.save(aRating({ score: i, generatedAt: new Date(NOW.getTime() + i * DAY_MS) }));
    const history = await repo.history(cpf, 100);
    expect(history).toHaveLength(50);
    expect(history[0].props.score).toBe(54);
    expect(history[49].props.score).toBe(5);
  });

  it('keeps each CPF to itself', async () => {
    const repo = new InMemoryRatingRepository();
    await repo.save(aRating());
    const other = Cpf.parse(cpfFromBase(987_654_321));
    expect(await repo.latest(other)).toBeNull();
    expect(await repo.history(other, 10)).toEqual([]);
  });
});
