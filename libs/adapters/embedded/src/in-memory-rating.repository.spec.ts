import { Cpf, DAY_MS } from '@app/shared-kernel';
import { NOW, VALID_CPF, aRating, cpfFromBase, saveRating } from '@app/testing';
import { ratingWrite, partitionKeysOf } from '@app/credit-domain';
import { InMemoryRatingRepository } from './in-memory-rating.repository';

const cpf = Cpf.parse(VALID_CPF);

describe('InMemoryRatingRepository', () => {
  it('answers the newest rating as the latest and the history newest first', async () => {
    const repo = new InMemoryRatingRepository();
    for (const [i, score] of [100, 200, 300].entries())
      await saveRating(repo, aRating({ score, generatedAt: new Date(NOW.getTime() + i * DAY_MS) }));
    expect((await repo.latest(cpf))?.props.score).toBe(300);
    expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([300, 200, 100]);
    expect((await repo.history(cpf, 2)).map((r) => r.props.score)).toEqual([300, 200]);
  });

  it('keeps each CPF to itself', async () => {
    const repo = new InMemoryRatingRepository();
    await saveRating(repo, aRating());
    const other = Cpf.parse(cpfFromBase(987_654_321));
    expect(await repo.latest(other)).toBeNull();
    expect(await repo.history(other, 10)).toEqual([]);
  });

  it('folds the loose heads a snapshot read into it, keeping one head per CPF', async () => {
    const repo = new InMemoryRatingRepository();
    const first = ratingWrite(aRating({ score: 500 }), null, null);
    const second = ratingWrite(
      aRating({ score: 520, generatedAt: new Date(NOW.getTime() + DAY_MS) }),
      first.head,
      null,
    );
    await repo.append([first, second]);
    expect(repo.headCount()).toBe(2);
    const { shard } = partitionKeysOf(cpf.value);
    const read = await repo.headsInPartition('SHARD', shard);
    await repo.writeSnapshot('SHARD', shard, 'run', read.latest.values(), read.read);
    expect(repo.headCount()).toBe(1);
    expect((await repo.headsInPartition('SHARD', shard)).latest.get(cpf.value)).toEqual(second.head);
  });
});
