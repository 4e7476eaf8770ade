import { Cpf } from '@app/shared-kernel';
import { aRatingFeatures, collectPages, distinctCpfs, firstPage } from '@app/testing';
import { InMemoryRatingFeaturesRepository } from './in-memory-rating-features.repository';

describe('InMemoryRatingFeaturesRepository', () => {
  const cpfs = distinctCpfs(6);
  const sorted = [...cpfs].sort();

  async function repoWith(values: string[]): Promise<InMemoryRatingFeaturesRepository> {
    const repo = new InMemoryRatingFeaturesRepository();
    for (const cpf of values) await repo.save(aRatingFeatures({ cpf }));
    return repo;
  }
  const cpfsAfter = async (repo: InMemoryRatingFeaturesRepository, after: string | null, limit: number) => (await firstPage(repo.pagesAfter(after, limit))).map((e) => e.cpf);

  it('finds saved features by CPF and misses unknown CPFs', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    expect((await repo.findByCpf(Cpf.parse(cpfs[0])))?.props.cpf.value).toBe(cpfs[0]);
    expect(await repo.findByCpf(Cpf.parse(cpfs[3]))).toBeNull();
  });

  it('lists CPFs in ascending order whatever the order they were saved in', async () => {
    const repo = await repoWith([...cpfs].reverse());
    expect(await cpfsAfter(repo, null, 100)).toEqual(sorted);
  });

  it('lists each CPF with the features last saved for it, and refuses a page size of 0', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    await repo.save(aRatingFeatures({ cpf: cpfs[1], incomeSources: [] }));
    const page = await firstPage(repo.pagesAfter(null, 10));
    expect(page.map((e) => e.features?.props.cpf.value)).toEqual(page.map((e) => e.cpf));
    expect(page.find((e) => e.cpf === cpfs[1])?.features?.monthlyIncomeCents()).toBe(0);
    expect(page.find((e) => e.cpf === cpfs[0])?.features?.sameAs(aRatingFeatures({ cpf: cpfs[0] }))).toBe(true);
    await expect(collectPages(repo.pagesAfter(null, 0))).rejects.toThrow(RangeError);
  });

  it('lists only the CPFs strictly after the cursor, at most limit of them', async () => {
    const repo = await repoWith(cpfs);
    expect(await cpfsAfter(repo, sorted[1], 2)).toEqual([sorted[2], sorted[3]]);
  });

  it('accepts a cursor that is not itself a stored CPF', async () => {
    const repo = await repoWith(cpfs);
    const between = `${sorted[2]}5`;
    expect(between > sorted[2] && between < sorted[3]).toBe(true);
    expect(await cpfsAfter(repo, between, 10)).toEqual(sorted.slice(3));
  });

  it('returns nothing after the last CPF', async () => {
    const repo = await repoWith(cpfs);
    expect(await cpfsAfter(repo, sorted[sorted.length - 1], 10)).toEqual([]);
  });

  it('walks the whole base page by page, each CPF exactly once', async () => {
    const repo = await repoWith(cpfs);
    const pages = await collectPages(repo.pagesAfter(null, 4));
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat().map((e) => e.cpf)).toEqual(sorted);
  });

  it('includes a CPF saved after an earlier listing', async () => {
    const repo = await repoWith(cpfs.slice(0, 3));
    await cpfsAfter(repo, null, 10);
    await repo.save(aRatingFeatures({ cpf: cpfs[5] }));
    expect(await cpfsAfter(repo, null, 10)).toEqual([...cpfs.slice(0, 3), cpfs[5]].sort());
  });

  it('replaces the features of a CPF saved twice, without listing or counting it twice', async () => {
    const repo = await repoWith(cpfs.slice(0, 2));
    await repo.save(aRatingFeatures({ cpf: cpfs[0], incomeSources: [] }));
    expect(await repo.estimatedCount()).toBe(2);
    expect(await cpfsAfter(repo, null, 10)).toHaveLength(2);
    expect((await repo.findByCpf(Cpf.parse(cpfs[0])))?.monthlyIncomeCents()).toBe(0);
  });
});
