import { Address, Rating, RatingFeatures, noBandMoves, partitionKeysOf, ratingWrite } from '@app/credit-domain';
import {
  PartitionRun,
  RatingFeaturesRepository,
  RatingJobRecord,
  RatingJobRepository,
  RatingRepository,
} from '@app/credit-application';
import { CalendarDate, Cpf, newId } from '@app/shared-kernel';
import { saveRating } from '../adapters/save-rating';
import { collectPages } from '../collect-pages';
import { uniqueCpf } from './unique-cpf';

const address = Address.create({
  street: 'Rua A',
  number: '1',
  complement: null,
  district: 'Centro',
  city: 'Recife',
  state: 'PE',
  postalCode: '50030000',
});

export function featuresFor(
  cpf: Cpf,
  monthlyCents = 500_000,
  updatedAt = new Date('2026-11-25T12:00:00.000Z'),
): RatingFeatures {
  return RatingFeatures.create({
    cpf,
    birthDate: CalendarDate.fromString('1980-05-17'),
    address,
    assets: [
      { kind: 'REAL_ESTATE', valueCents: 40_000_000, financed: true, outstandingCents: 10_000_000 },
      { kind: 'INVESTMENT', valueCents: 1_500_000, financed: false, outstandingCents: 0 },
    ],
    incomeSources: [{ kind: 'SALARY', monthlyAmountCents: monthlyCents, since: CalendarDate.fromString('2015-03-01') }],
    updatedAt,
  });
}

export function ratingFor(cpf: Cpf, score: number, at: Date): Rating {
  return Rating.create({
    cpf,
    score,
    band: score >= 700 ? 'B' : 'C',
    probabilityOfDefault: 0.05,
    reasonCodes: [{ code: 'INQUIRIES', pointsLost: 12, textPt: 'Muitas consultas', textEn: 'Many inquiries' }],
    improvement: { factor: 'INQUIRIES', textPt: 'Evite consultas', textEn: 'Avoid inquiries', pointsGained: 8 },
    modelVersion: 'contract-1',
    generatedAt: at,
  });
}

/** A CPF in the same shard as `cpf` but not the same one, and one in another shard (partition tests). */
function neighbours(cpf: Cpf): { sameShard: Cpf; otherShard: Cpf } {
  const { shard } = partitionKeysOf(cpf.value);
  let sameShard: Cpf | null = null;
  let otherShard: Cpf | null = null;
  while (!sameShard || !otherShard) {
    const c = uniqueCpf();
    if (c.equals(cpf)) continue;
    if (partitionKeysOf(c.value).shard === shard) sameShard ??= c;
    else otherShard ??= c;
  }
  return { sameShard, otherShard };
}

export function ratingFeaturesRepositoryContract(
  make: () => Promise<RatingFeaturesRepository> | RatingFeaturesRepository,
): void {
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

  it('finds the features of several CPFs at once, each as last saved, and leaves out CPFs without any', async () => {
    const [a, b, none] = [uniqueCpf(), uniqueCpf(), uniqueCpf()];
    await repo.save(featuresFor(a, 100_000));
    await repo.save(featuresFor(b, 200_000));
    await repo.save(featuresFor(b, 250_000));
    const found = await repo.findMany([a, b, none, a]);
    expect([...found.keys()].sort()).toEqual([a.value, b.value].sort());
    expect(found.get(b.value)?.features?.monthlyIncomeCents()).toBe(250_000);
    expect(found.get(a.value)?.features?.sameAs(featuresFor(a, 100_000))).toBe(true);
    expect(await repo.findMany([])).toEqual(new Map());
  });

  it('lists a CPF in its own shard and bucket only, in pages of at most the page size', async () => {
    const cpf = uniqueCpf();
    const { sameShard, otherShard } = neighbours(cpf);
    for (const c of [cpf, sameShard, otherShard]) await repo.save(featuresFor(c));
    const { shard, bucket } = partitionKeysOf(cpf.value);
    const inShard = (await collectPages(repo.inPartition('SHARD', shard, 2))).flat().map((e) => e.cpf);
    expect(inShard).toEqual(expect.arrayContaining([cpf.value, sameShard.value]));
    expect(inShard).not.toContain(otherShard.value);
    expect(new Set(inShard).size).toBe(inShard.length);
    expect(inShard.every((c) => partitionKeysOf(c).shard === shard)).toBe(true);
    const pages = await collectPages(repo.inPartition('SHARD', shard, 2));
    expect(pages.every((p) => p.length >= 1 && p.length <= 2)).toBe(true);
    const inBucket = (await collectPages(repo.inPartition('BUCKET', bucket, 100))).flat();
    expect(inBucket.map((e) => e.cpf)).toContain(cpf.value);
    expect(inBucket.every((e) => partitionKeysOf(e.cpf).bucket === bucket)).toBe(true);
    expect(inBucket.find((e) => e.cpf === cpf.value)?.features?.sameAs(featuresFor(cpf))).toBe(true);
    await expect(collectPages(repo.inPartition('SHARD', shard, 0))).rejects.toThrow(RangeError);
  });

  it('estimates how many CPFs have features', async () => {
    const estimate = await repo.estimatedCount();
    expect(Number.isInteger(estimate) && estimate >= 0).toBe(true);
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
    await saveRating(repo, ratingFor(cpf, 640, new Date('2026-11-01T10:00:00Z')));
    await saveRating(repo, ratingFor(cpf, 720, new Date('2026-11-02T10:00:00Z')));
    await saveRating(repo, ratingFor(cpf, 700, new Date('2026-11-03T10:00:00Z')));
    expect((await repo.latest(cpf))?.props).toEqual(ratingFor(cpf, 700, new Date('2026-11-03T10:00:00Z')).props);
    expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([700, 720, 640]);
    expect(await repo.history(cpf, 2)).toHaveLength(2);
    expect(await repo.history(cpf, 0)).toEqual([]);
  });

  it('keeps a rating from newer features as the latest, however late it was computed', async () => {
    const cpf = uniqueCpf();
    await saveRating(repo, ratingFor(cpf, 710, new Date('2026-11-02T10:00:00Z')), new Date('2026-11-02T09:00:00Z'));
    // Computed later, from features saved before the ones above: a stale computation landing late.
    await saveRating(repo, ratingFor(cpf, 500, new Date('2026-11-03T10:00:00Z')), new Date('2026-11-01T09:00:00Z'));
    expect((await repo.latest(cpf))?.props.score).toBe(710);
    expect((await repo.headsOf([cpf])).get(cpf.value)?.score).toBe(710);
  });

  it("stores a write once however often it is appended, and answers each CPF's latest head from its history", async () => {
    const [a, b] = [uniqueCpf(), uniqueCpf()];
    const first = ratingWrite(ratingFor(a, 650, new Date('2026-11-01T10:00:00Z')), null, null);
    await repo.append([first]);
    await repo.append([first]);
    const second = ratingWrite(ratingFor(a, 690, new Date('2026-11-02T10:00:00Z')), first.head, null);
    await repo.append([second, ratingWrite(ratingFor(b, 800, new Date('2026-11-02T10:00:00Z')), null, null), second]);
    expect((await repo.history(a, 10)).map((r) => r.props.score)).toEqual([690, 650]);
    const heads = await repo.headsOf([a, b, uniqueCpf()]);
    expect([...heads.keys()].sort()).toEqual([a.value, b.value].sort());
    expect(heads.get(a.value)).toEqual(second.head);
    expect(heads.get(a.value)?.previousScore).toBe(650);
  });

  it("reads a partition's heads: its snapshot and the heads written loose since, and a snapshot replaces what was read", async () => {
    const cpf = uniqueCpf();
    const { sameShard, otherShard } = neighbours(cpf);
    const { shard } = partitionKeysOf(cpf.value);
    const old = ratingWrite(ratingFor(cpf, 600, new Date('2026-11-01T10:00:00Z')), null, null);
    const neighbour = ratingWrite(ratingFor(sameShard, 700, new Date('2026-11-01T10:00:00Z')), null, null);
    await repo.append([
      old,
      neighbour,
      ratingWrite(ratingFor(otherShard, 700, new Date('2026-11-01T10:00:00Z')), null, null),
    ]);
    const loose = await repo.headsInPartition('SHARD', shard);
    expect(loose.latest.get(cpf.value)).toEqual(old.head);
    expect(loose.latest.has(sameShard.value)).toBe(true);
    expect(loose.latest.has(otherShard.value)).toBe(false);
    expect(loose.read.compact).toBe(false);
    // A partition run rated cpf again (history only) and snapshots the partition's heads.
    const rerated = ratingWrite(ratingFor(cpf, 610, new Date('2026-11-02T10:00:00Z')), old.head, null);
    await repo.append([rerated], { heads: false });
    // Meanwhile a single change wrote a loose head for the neighbour: it must survive the snapshot.
    const meanwhile = ratingWrite(ratingFor(sameShard, 720, new Date('2026-11-02T11:00:00Z')), neighbour.head, null);
    await repo.append([meanwhile]);
    const snapshot = new Map(loose.latest).set(cpf.value, rerated.head);
    await repo.writeSnapshot('SHARD', shard, 'run-1', snapshot.values(), loose.read);
    const after = await repo.headsInPartition('SHARD', shard);
    expect(after.latest.get(cpf.value)).toEqual(rerated.head);
    expect(after.latest.get(sameShard.value)).toEqual(meanwhile.head);
    expect(after.read.headIds).toEqual([meanwhile.head.ratingId]);
    const bucket = await repo.headsInPartition('BUCKET', partitionKeysOf(cpf.value).bucket);
    expect(bucket.latest.get(cpf.value)).toEqual(rerated.head);
    expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([610, 600]);
    // Snapshotting again with nothing loose left gives one compact snapshot.
    await repo.writeSnapshot('SHARD', shard, 'run-2', after.latest.values(), after.read);
    const compact = await repo.headsInPartition('SHARD', shard);
    expect(compact.read.compact).toBe(true);
    expect(compact.latest).toEqual(after.latest);
  });

  it('cuts a history back to the kept length each time it has grown ten past it', async () => {
    const cpf = uniqueCpf();
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 60; i++) await saveRating(repo, ratingFor(cpf, 300 + i, new Date(start + i * 60_000)));
    let history = await repo.history(cpf, 1000);
    expect(history).toHaveLength(50);
    expect([history[0]!.props.score, history[49]!.props.score]).toEqual([359, 310]);
    await saveRating(repo, ratingFor(cpf, 400, new Date(start + 60 * 60_000)));
    history = await repo.history(cpf, 1000);
    expect(history).toHaveLength(51);
    expect((await repo.headsOf([cpf])).get(cpf.value)?.seq).toBe(61);
  });

  it('orders ratings made in the same millisecond by their place in the chain', async () => {
    const cpf = uniqueCpf();
    const at = new Date('2026-11-04T10:00:00Z');
    for (const score of [610, 620, 630]) await saveRating(repo, ratingFor(cpf, score, at));
    expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([630, 620, 610]);
  });

  it('keeps until when each rating may be served (Rating.validUntil), a date or none', async () => {
    const cpf = uniqueCpf();
    const expiring = Rating.create({
      ...ratingFor(cpf, 300, new Date('2026-11-01T10:00:00Z')).props,
      validUntil: new Date('2030-03-11T03:00:00Z'),
    });
    await saveRating(repo, expiring);
    expect((await repo.latest(cpf))?.props.validUntil).toEqual(new Date('2030-03-11T03:00:00Z'));
    await saveRating(repo, ratingFor(cpf, 600, new Date('2026-11-02T10:00:00Z')));
    expect((await repo.latest(cpf))?.props.validUntil).toBeNull();
    expect((await repo.history(cpf, 2))[1]?.props).toEqual(expiring.props);
  });
}

export function ratingJobRepositoryContract(make: () => Promise<RatingJobRepository> | RatingJobRepository): void {
  let repo: RatingJobRepository;
  beforeAll(async () => {
    repo = await make();
  });
  const at = new Date('2026-11-25T10:00:00Z');
  const job = (scope: RatingJobRecord['scope'] = { kind: 'ALL' }): RatingJobRecord => ({
    id: newId(),
    scope,
    modelVersion: 'contract-1',
    plan: { level: 'SHARD', partitions: 64, estimatedCpfs: 1234 },
    createdAt: at,
  });
  const run = (j: RatingJobRecord, index: number, attempt: number): PartitionRun => ({
    jobId: j.id,
    index,
    attempt,
    worker: 'w1',
    status: 'RUNNING',
    startedAt: at,
    heartbeatAt: at,
    finishedAt: null,
    counts: { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 },
    bandMoves: noBandMoves(),
    error: null,
  });

  it('creates and finds jobs as registered, a listed scope with its CPFs and ALL without any', async () => {
    const all = job();
    const listed = job({ kind: 'CPFS', cpfs: ['12345678909', '52998224725'] });
    await repo.create(all);
    await repo.create(listed);
    expect(await repo.findById(all.id)).toEqual(all);
    expect(await repo.findById(listed.id)).toEqual(listed);
    expect(await repo.findById(newId())).toBeNull();
  });

  it('starts an attempt of a partition once only, and lets its owner update it', async () => {
    const j = job();
    await repo.create(j);
    const first = run(j, 3, 1);
    expect(await repo.startRun(first)).toBe(true);
    expect(await repo.startRun({ ...first, worker: 'w2' })).toBe(false);
    expect(await repo.startRun(run(j, 3, 2))).toBe(true);
    expect(await repo.startRun(run(j, 4, 1))).toBe(true);
    const done: PartitionRun = {
      ...first,
      status: 'COMPLETED',
      finishedAt: new Date('2026-11-25T10:05:00Z'),
      counts: { processed: 10, rated: 4, unchanged: 5, noData: 1, failed: 0 },
    };
    done.bandMoves.from.B.up = 2;
    await repo.updateRun(done);
    expect((await repo.runsOfPartition(j.id, 3)).sort((a, b) => a.attempt - b.attempt)).toEqual([done, run(j, 3, 2)]);
    expect((await repo.runsOf(j.id)).map((r) => `${r.index}:${r.attempt}`).sort()).toEqual(['3:1', '3:2', '4:1']);
    expect(await repo.runsOf(newId())).toEqual([]);
  });
}
