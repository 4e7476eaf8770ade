import { Address, Rating, RatingFeatures, RatingFeaturesRepository, RatingJob, RatingJobRepository, RatingRepository } from '@app/credit';
import { CalendarDate, Cpf, newId } from '@app/shared-kernel';
import { collectPages, firstPage } from '../collect-pages';
import { cursorJustBefore, uniqueCpf } from './unique-cpf';

const address = Address.create({ street: 'Rua A', number: '1', complement: null, district: 'Centro', city: 'Recife', state: 'PE', postalCode: '50030000' });

export function featuresFor(cpf: Cpf, monthlyCents = 500_000): RatingFeatures {
  return RatingFeatures.create({
    cpf,
    birthDate: CalendarDate.fromString('1980-05-17'),
    address,
    assets: [
      { kind: 'REAL_ESTATE', valueCents: 40_000_000, financed: true, outstandingCents: 10_000_000 },
      { kind: 'INVESTMENT', valueCents: 1_500_000, financed: false, outstandingCents: 0 },
    ],
    incomeSources: [{ kind: 'SALARY', monthlyAmountCents: monthlyCents, since: CalendarDate.fromString('2015-03-01') }],
    updatedAt: new Date('2026-11-25T12:00:00.000Z'),
  });
}

export function ratingFor(cpf: Cpf, score: number, at: Date): Rating {
  return Rating.create({
    cpf, score, band: score >= 700 ? 'B' : 'C', probabilityOfDefault: 0.05,
    reasonCodes: [{ code: 'INQUIRIES', pointsLost: 12, textPt: 'Muitas consultas', textEn: 'Many inquiries' }],
    improvement: { factor: 'INQUIRIES', textPt: 'Evite consultas', textEn: 'Avoid inquiries', pointsGained: 8 },
    modelVersion: 'contract-1', generatedAt: at,
  });
}

export function ratingFeaturesRepositoryContract(make: () => Promise<RatingFeaturesRepository> | RatingFeaturesRepository): void {
  let repo: RatingFeaturesRepository;
  beforeAll(async () => {
    repo = await make();
  });

  it('round-trips features and replaces them on save', async () => {
    const cpf = uniqueCpf();
    expect(await repo.findByCpf(cpf)).toBeNull();
    await repo.save(featuresFor(cpf));
    expect((await repo.findByCpf(cpf))?.props).toEqual(featuresFor(cpf).props);
    await repo.save(featuresFor(cpf, 777_700));
    expect((await repo.findByCpf(cpf))?.monthlyIncomeCents()).toBe(777_700);
  });

  it('estimates the CPFs with features, and walks them in ascending order after a cursor', async () => {
    const estimate = await repo.estimatedCount();
    expect(Number.isInteger(estimate) && estimate >= 0).toBe(true);
    const cpfs = [uniqueCpf(), uniqueCpf(), uniqueCpf()];
    for (const c of cpfs) await repo.save(featuresFor(c));
    await repo.save(featuresFor(cpfs[0]));
    const sorted = cpfs.map((c) => c.value).sort();
    const page = (await collectPages(repo.pagesAfter(sorted[0], 1_000_000))).flat().map((e) => e.cpf);
    expect(page).toEqual([...page].sort());
    expect(page[0] > sorted[0]).toBe(true);
    expect(page).toEqual(expect.arrayContaining(sorted.slice(1)));
    expect(page).not.toContain(sorted[0]);
    const small = await collectPages(repo.pagesAfter(null, 2));
    expect(small[0]).toHaveLength(2);
    expect(small.every((p) => p.length >= 1 && p.length <= 2)).toBe(true);
    expect(small.flat().map((e) => e.cpf)).toEqual(expect.arrayContaining(sorted));
    await expect(collectPages(repo.pagesAfter(null, 0))).rejects.toThrow(RangeError);
  });

  it('lists each CPF with the features last saved for it', async () => {
    const cpf = uniqueCpf();
    await repo.save(featuresFor(cpf));
    await repo.save(featuresFor(cpf, 123_400));
    const [entry] = await firstPage(repo.pagesAfter(cursorJustBefore(cpf), 1));
    expect(entry?.cpf).toBe(cpf.value);
    expect(entry?.features?.sameAs(await repo.findByCpf(cpf))).toBe(true);
    expect(entry?.features?.monthlyIncomeCents()).toBe(123_400);
  });
}

export function ratingRepositoryContract(make: () => Promise<RatingRepository> | RatingRepository): void {
  let repo: RatingRepository;
  beforeAll(async () => {
    repo = await make();
  });

  it('keeps a history, newest first, and serves the newest as latest', async () => {
    const cpf = uniqueCpf();
    expect(await repo.latest(cpf)).toBeNull();
    await repo.save(ratingFor(cpf, 640, new Date('2026-11-01T10:00:00Z')));
    await repo.save(ratingFor(cpf, 720, new Date('2026-11-02T10:00:00Z')));
    await repo.save(ratingFor(cpf, 700, new Date('2026-11-03T10:00:00Z')));
    expect((await repo.latest(cpf))?.props).toEqual(ratingFor(cpf, 700, new Date('2026-11-03T10:00:00Z')).props);
    expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([700, 720, 640]);
    expect(await repo.history(cpf, 2)).toHaveLength(2);
  });

  it('keeps until when each rating may be served (Rating.validUntil), a date or none', async () => {
    const cpf = uniqueCpf();
    const expiring = Rating.create({
      ...ratingFor(cpf, 300, new Date('2026-11-01T10:00:00Z')).props,
      validUntil: new Date('2030-03-11T03:00:00Z'),
    });
    await repo.save(expiring);
    expect((await repo.latest(cpf))?.props.validUntil).toEqual(new Date('2030-03-11T03:00:00Z'));
    await repo.save(ratingFor(cpf, 600, new Date('2026-11-02T10:00:00Z')));
    expect((await repo.latest(cpf))?.props.validUntil).toBeNull();
    expect((await repo.history(cpf, 2))[1]?.props).toEqual(expiring.props);
  });
}

export function ratingJobRepositoryContract(make: () => Promise<RatingJobRepository> | RatingJobRepository): void {
  let repo: RatingJobRepository;
  beforeAll(async () => {
    repo = await make();
  });

  const job = (status: RatingJob['status']): RatingJob => ({
    id: newId(), scope: { kind: 'CPFS', cpfs: ['12345678909'] }, status, total: 1, processed: 0, failed: 0, cursor: null, ratingsPerSecond: 0,
    createdAt: new Date('2026-11-25T10:00:00Z'), updatedAt: new Date('2026-11-25T10:00:00Z'), finishedAt: null, error: null,
  });

  it('creates, updates and finds jobs, and lists the unfinished ones for resumption', async () => {
    const running = job('RUNNING');
    const done = job('COMPLETED');
    await repo.create(running);
    await repo.create(done);
    expect(await repo.findById(running.id)).toEqual(running);
    const progressed = { ...running, processed: 1, cursor: '12345678909', ratingsPerSecond: 12.5 };
    await repo.update(progressed);
    expect(await repo.findById(running.id)).toEqual(progressed);
    const unfinished = (await repo.unfinished()).map((j) => j.id);
    expect(unfinished).toContain(running.id);
    expect(unfinished).not.toContain(done.id);
    expect(await repo.findById(newId())).toBeNull();
  });
}
