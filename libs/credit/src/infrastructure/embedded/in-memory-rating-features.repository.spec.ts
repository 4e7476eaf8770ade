import { Cpf } from '@app/shared-kernel';
import { aRatingFeatures, distinctCpfs } from '@app/testing';
import { InMemoryRatingFeaturesRepository } from './in-memory-rating-features.repository';

describe('InMemoryRatingFeaturesRepository', () => {
  const cpfs = distinctCpfs(6);
  const sorted = [...cpfs].sort();

  async function repoWith(values: string[]): Promise<InMemoryRatingFeaturesRepository> {
    const repo = new InMemoryRatingFeaturesRepository();
    for (const cpf of values) await repo.save(aRatingFeatures({ cpf }));
    return repo;
  }

  it('finds saved features by CPF and misses unknown CPFs', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    expect((await repo.findByCpf(Cpf.parse(cpfs[0])))?.props.cpf.value).toBe(cpfs[0]);
    expect(await repo.findByCpf(Cpf.parse(cpfs[3]))).toBeNull();
  });

  it('lists CPFs in ascending order whatever the order they were saved in', async () => {
    const repo = await repoWith([...cpfs].reverse());
    expect(await repo.cpfsAfter(null, 100)).toEqual(sorted);
  });

  it('lists only the CPFs strictly after the cursor, at most limit of them', async () => {
    const repo = await repoWith(cpfs);
    expect(await repo.cpfsAfter(sorted[1], 2)).toEqual([sorted[2], sorted[3]]);
  });

  it('accepts a cursor that is not itself a stored CPF', async () => {
    const repo = await repoWith(cpfs);
    const between = `${sorted[2]}5`;
    expect(between > sorted[2] && between < sorted[3]).toBe(true);
    expect(await repo.cpfsAfter(between, 10)).toEqual(sorted.slice(3));
  });

  it('returns nothing after the last CPF', async () => {
    const repo = await repoWith(cpfs);
    expect(await repo.cpfsAfter(sorted[sorted.length - 1], 10)).toEqual([]);
  });

  it('walks the whole base page by page, each CPF exactly once', async () => {
    const repo = await repoWith(cpfs);
    const seen: string[] = [];
    for (let page = await repo.cpfsAfter(null, 4); page.length > 0; page = await repo.cpfsAfter(page[page.length - 1], 4)) seen.push(...page);
    expect(seen).toEqual(sorted);
  });

  it('includes a CPF saved after an earlier listing', async () => {
    const repo = await repoWith(cpfs.slice(0, 3));
    await repo.cpfsAfter(null, 10);
    await repo.save(aRatingFeatures({ cpf: cpfs[5] }));
    expect(await repo.cpfsAfter(null, 10)).toEqual([...cpfs.slice(0, 3), cpfs[5]].sort());
  });

  it('replaces the features of a CPF saved twice, without listing or counting it twice', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    await repo.save(aRatingFeatures({ cpf: cpfs[0], incomeSources: [] }));
    expect(await repo.count()).toBe(2);
    expect(await repo.cpfsAfter(null, 10)).toHaveLength(2);
    expect((await repo.findByCpf(Cpf.parse(cpfs[0])))?.monthlyIncomeCents()).toBe(0);
  });
});
