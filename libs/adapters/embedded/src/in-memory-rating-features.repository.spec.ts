import { Cpf } from '@app/shared-kernel';
import { aRatingFeatures, collectPages, distinctCpfs } from '@app/testing';
import { RATING_SHARDS, partitionKeysOf } from '@app/credit-domain';
import { InMemoryRatingFeaturesRepository } from './in-memory-rating-features.repository';

describe('InMemoryRatingFeaturesRepository', () => {
  const cpfs = distinctCpfs(40);

  async function repoWith(values: string[]): Promise<InMemoryRatingFeaturesRepository> {
    const repo = new InMemoryRatingFeaturesRepository();
    for (const cpf of values) await repo.save(aRatingFeatures({ cpf }));
    return repo;
  }

  it('finds saved features by CPF and misses unknown CPFs', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    expect((await repo.findByCpf(Cpf.parse(cpfs[0]!)))?.props.cpf.value).toBe(cpfs[0]);
    expect(await repo.findByCpf(Cpf.parse(cpfs[3]!))).toBeNull();
  });

  it('lists every CPF in exactly one shard, each with the features last saved for it', async () => {
    const repo = await repoWith(cpfs);
    await repo.save(aRatingFeatures({ cpf: cpfs[1], incomeSources: [] }));
    const listed: string[] = [];
    for (let shard = 0; shard < RATING_SHARDS; shard++) {
      for (const page of await collectPages(repo.inPartition('SHARD', shard, 3))) {
        expect(page.length).toBeLessThanOrEqual(3);
        for (const entry of page) {
          expect(partitionKeysOf(entry.cpf).shard).toBe(shard);
          listed.push(entry.cpf);
        }
      }
    }
    expect(listed.sort()).toEqual([...cpfs].sort());
    const [entry] = (await collectPages(repo.inPartition('BUCKET', partitionKeysOf(cpfs[1]!).bucket, 10)))
      .flat()
      .filter((e) => e.cpf === cpfs[1]);
    expect(entry?.features?.monthlyIncomeCents()).toBe(0);
  });

  it('replaces the features of a CPF saved twice, without counting it twice', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    await repo.save(aRatingFeatures({ cpf: cpfs[0], incomeSources: [] }));
    expect(await repo.estimatedCount()).toBe(2);
    expect((await repo.findByCpf(Cpf.parse(cpfs[0]!)))?.monthlyIncomeCents()).toBe(0);
  });
});
