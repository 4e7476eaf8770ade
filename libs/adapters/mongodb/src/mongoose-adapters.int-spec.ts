import { newId, ValidationError } from '@app/shared-kernel';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { Connection } from 'mongoose';
import { RatingFeaturesRepository, RatingJobRepository, RatingRepository } from '@app/credit-application';
import { Rating, ratingWrite, partitionKeysOf } from '@app/credit-domain';
import { saveRating } from '@app/testing';
import {
  collectPages,
  featuresFor,
  ratingFeaturesRepositoryContract,
  ratingFor,
  ratingJobRepositoryContract,
  ratingRepositoryContract,
  requireEnv,
  uniqueCpf,
} from '@app/testing/contracts';
import { MongoLookups } from './mongo-lookups';
import { mongoHealth, MongoHealth } from './mongo-health';
import { MongooseRatingModule } from './mongoose-rating.module';
import { MongooseRatingFeaturesRepository } from './mongoose-rating-features.repository';
import { RATING_FEATURES_COLLECTION } from './rating-features.mongoose-schema';
import { RatingFeaturesMongooseMapper } from './rating-features.mongoose-mapper';
import { MongooseRatingIndexes } from './rating-indexes';
import { PARTITION_RUN_COLLECTION, RATING_JOB_COLLECTION } from './rating-job.mongoose-schema';
import { RatingMongooseMapper } from './rating.mongoose-mapper';
import { RATING_COLLECTION, RATING_HEAD_COLLECTION, RATING_HEAD_PAGE_COLLECTION } from './rating.mongoose-schema';

/** The configured server with a database of its own for this run, so runs never see each other's documents. */
function perRunDatabase(url: string): string {
  const name = `credit_it_${Date.now().toString(36)}_${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`MONGODB_URL is not a mongodb:// URL: ${url}`);
  return `${match[1]}/${name}${match[2] ?? ''}`;
}

jest.setTimeout(30_000);

describe('Mongoose adapters (MongoDB / FerretDB)', () => {
  // Read at collection time so a missing server configuration fails the suite instead of skipping it.
  const url = perRunDatabase(requireEnv('MONGODB_URL'));
  let moduleRef: TestingModule;
  let connection: Connection;

  // Parent hooks run before the contracts' own beforeAll, so the ports below are resolved from a started module.
  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [MongooseRatingModule.forRoot(url, { retryAttempts: 1, retryDelay: 500 })],
    }).compile();
    await moduleRef.init();
    connection = moduleRef.get<Connection>(getConnectionToken());
  });

  afterAll(async () => {
    if (!moduleRef) return;
    try {
      await connection?.dropDatabase();
    } finally {
      await moduleRef.close();
    }
  });

  describe('MongooseRatingFeaturesRepository', () =>
    ratingFeaturesRepositoryContract(() => moduleRef.get(RatingFeaturesRepository)));
  describe('MongooseRatingRepository', () => ratingRepositoryContract(() => moduleRef.get(RatingRepository)));
  describe('MongooseRatingJobRepository', () => ratingJobRepositoryContract(() => moduleRef.get(RatingJobRepository)));

  describe('indexes and documents', () => {
    const indexKeys = async (collection: string) =>
      (await connection.collection(collection).indexes()).map((i) => ({ key: i.key, unique: !!i.unique }));

    it('declares a unique index on rating_features.cpf, and the server enforces it', async () => {
      expect(await indexKeys(RATING_FEATURES_COLLECTION)).toContainEqual({ key: { cpf: 1 }, unique: true });
      const cpf = uniqueCpf().value;
      const raw = connection.collection(RATING_FEATURES_COLLECTION);
      await raw.insertOne({ cpf });
      await expect(raw.insertOne({ cpf })).rejects.toMatchObject({ code: 11000 });
      await raw.deleteMany({ cpf });
    });

    it('indexes what the engine looks up: ratings by CPF, features and heads by CPF, shard and bucket, runs by job', async () => {
      expect(await indexKeys(RATING_COLLECTION)).toContainEqual({ key: { cpf: 1, generatedAt: -1 }, unique: false });
      for (const key of [{ shard: 1 }, { bucket: 1 }])
        expect(await indexKeys(RATING_FEATURES_COLLECTION)).toContainEqual({ key, unique: false });
      for (const key of [{ shard: 1 }, { bucket: 1 }]) {
        expect(await indexKeys(RATING_HEAD_COLLECTION)).toContainEqual({ key, unique: false });
        expect(await indexKeys(RATING_HEAD_PAGE_COLLECTION)).toContainEqual({ key, unique: false });
      }
      expect(await indexKeys(PARTITION_RUN_COLLECTION)).toContainEqual({ key: { jobId: 1, index: 1 }, unique: false });
    });

    it('ensuring the indexes again is harmless', async () => {
      await moduleRef.get(MongooseRatingIndexes).ensure();
      expect(await indexKeys(RATING_FEATURES_COLLECTION)).toContainEqual({ key: { cpf: 1 }, unique: true });
    });

    it('keeps one document per CPF however often the features are saved: its shard, bucket and the features as one payload', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      const cpf = uniqueCpf();
      await repo.save(featuresFor(cpf, 100_001));
      await repo.save(featuresFor(cpf, 100_002));
      await Promise.all([repo.save(featuresFor(cpf, 100_003)), repo.save(featuresFor(cpf, 100_003))]);
      const docs = await connection.collection(RATING_FEATURES_COLLECTION).find({ cpf: cpf.value }).toArray();
      expect(docs).toHaveLength(1);
      expect(docs[0]).toEqual({
        _id: expect.anything(),
        cpf: cpf.value,
        ...partitionKeysOf(cpf.value),
        payload: expect.any(String),
      });
      expect(JSON.parse(docs[0]!.payload as string)).toMatchObject({
        incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 100_003 }],
        assets: [
          { valueCents: 40_000_000, outstandingCents: 10_000_000 },
          { valueCents: 1_500_000, outstandingCents: 0 },
        ],
        address: { city: 'Recife', complement: null },
        birthDate: '1980-05-17T00:00:00.000Z',
      });
    });

    it('still reads features stored field by field, as the first layout wrote them', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      const cpf = uniqueCpf();
      const f = featuresFor(cpf, 123_400);
      const fields = JSON.parse(RatingFeaturesMongooseMapper.toPersistence(f).payload) as Record<string, unknown>;
      await connection.collection(RATING_FEATURES_COLLECTION).insertOne({
        cpf: cpf.value,
        ...fields,
        birthDate: f.props.birthDate.toUtcMidnight(),
        updatedAt: f.props.updatedAt,
        incomeSources: f.props.incomeSources.map((s) => ({
          kind: s.kind,
          monthlyAmountCents: s.monthlyAmount.cents,
          since: s.since.toUtcMidnight(),
        })),
      });
      expect((await repo.findByCpf(cpf))?.sameAs(f)).toBe(true);
      expect((await repo.findMany([cpf])).get(cpf.value)?.features?.monthlyIncomeCents()).toBe(123_400);
    });

    it('concurrent first saves of one CPF still leave one document', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      // FerretDB, unlike MongoDB 7, does not retry a racing upsert itself: this is the case save() retries for.
      for (let round = 0; round < 5; round++) {
        const cpf = uniqueCpf();
        await Promise.all(Array.from({ length: 8 }, (_, i) => repo.save(featuresFor(cpf, 200_000 + i))));
        expect(await connection.collection(RATING_FEATURES_COLLECTION).countDocuments({ cpf: cpf.value })).toBe(1);
      }
    });

    it('estimates the count from the collection statistics, and counts exactly where there are none', async () => {
      const scratch = connection.useDb(`${connection.name}_estimate`, { useCache: false });
      const repo = new MongooseRatingFeaturesRepository(scratch);
      try {
        expect(await repo.estimatedCount()).toBe(0); // no collection yet: $collStats refuses, the exact count is 0
        for (const cpf of [uniqueCpf(), uniqueCpf(), uniqueCpf()]) await repo.save(featuresFor(cpf));
        // A new collection: FerretDB has no PostgreSQL statistics for it yet (-1), MongoDB keeps its count in metadata.
        expect(await repo.estimatedCount()).toBe(3);
      } finally {
        await scratch.dropDatabase();
      }
    });

    it('reports a stored document that is not valid features as a problem, so only that CPF fails', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      const cpf = uniqueCpf();
      await repo.save(featuresFor(cpf));
      // A hand edit the domain refuses: a consumer born tomorrow.
      const payload = JSON.stringify({
        ...JSON.parse(RatingFeaturesMongooseMapper.toPersistence(featuresFor(cpf)).payload),
        birthDate: new Date(Date.now() + 86_400_000),
      });
      await connection.collection(RATING_FEATURES_COLLECTION).updateOne({ cpf: cpf.value }, { $set: { payload } });
      const entry = (await repo.findMany([cpf])).get(cpf.value);
      expect(entry).toMatchObject({ cpf: cpf.value, features: null, problem: expect.stringMatching(/not valid/) });
      const { shard } = partitionKeysOf(cpf.value);
      expect(
        (await collectPages(repo.inPartition('SHARD', shard, 1000))).flat().find((e) => e.cpf === cpf.value),
      ).toEqual(entry);
      await expect(repo.findByCpf(cpf)).rejects.toThrow(ValidationError);
      await connection.collection(RATING_FEATURES_COLLECTION).deleteOne({ cpf: cpf.value });
    });

    it('looks many CPFs up the way the server answers fastest: point look-ups on FerretDB, $in on MongoDB', async () => {
      const ferret = Boolean(
        ((await connection.db!.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string }).ferretdbVersion,
      );
      expect(await new MongoLookups(() => connection.db!).equalityOnly()).toBe(ferret);
    });
  });

  describe('ratings', () => {
    it('stores each rating as one history document with its payload, and its head beside it', async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      const write = ratingWrite(
        ratingFor(cpf, 900, new Date('2026-11-05T00:00:00Z')),
        null,
        new Date('2026-11-04T00:00:00Z'),
      );
      await repo.append([write]);
      const history = await connection.collection(RATING_COLLECTION).find({ cpf: cpf.value }).toArray();
      expect(history).toEqual([
        {
          _id: write.head.ratingId,
          cpf: cpf.value,
          generatedAt: new Date('2026-11-05T00:00:00Z'),
          featuresAt: new Date('2026-11-04T00:00:00Z'),
          seq: 1,
          previousScore: null,
          validUntil: null,
          payload: expect.any(String),
        },
      ]);
      const heads = await connection.collection(RATING_HEAD_COLLECTION).find({ cpf: cpf.value }).toArray();
      expect(heads).toEqual([
        { _id: write.head.ratingId, cpf: cpf.value, ...partitionKeysOf(cpf.value), head: expect.any(String) },
      ]);
    });

    it(
      'reads a rating stored before validUntil existed as valid only until its generation, so a read re-rates' + ' it',
      async () => {
        const repo = moduleRef.get(RatingRepository);
        const cpf = uniqueCpf();
        // The first layout, field by field, without validUntil.
        const old = ratingFor(cpf, 650, new Date('2026-11-04T00:00:00Z'));
        await connection.collection(RATING_COLLECTION).insertOne({
          cpf: cpf.value,
          ...JSON.parse(RatingMongooseMapper.toPersistence(ratingWrite(old, null, null)).payload),
          generatedAt: old.props.generatedAt,
        });
        const rating = await repo.latest(cpf);
        expect(rating?.props.validUntil).toEqual(new Date('2026-11-04T00:00:00Z'));
        expect(rating?.isValidAt(new Date('2026-11-04T00:00:00Z'))).toBe(false);
      },
    );

    it('round-trips a rating without an improvement', async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      const rating = Rating.create({
        ...ratingFor(cpf, 900, new Date('2026-11-05T00:00:00Z')).props,
        improvement: null,
        reasonCodes: [],
      });
      await saveRating(repo, rating);
      expect((await repo.latest(cpf))?.props).toEqual(rating.props);
    });

    it('still reads ratings stored field by field, and ranks them below any rating stored since', async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      const legacy = ratingFor(cpf, 640, new Date('2026-12-01T00:00:00Z'));
      await connection.collection(RATING_COLLECTION).insertOne({
        cpf: cpf.value,
        ...JSON.parse(RatingMongooseMapper.toPersistence(ratingWrite(legacy, null, null)).payload),
        generatedAt: legacy.props.generatedAt,
      });
      // Stored before validity was kept: valid only until its generation (re-rated on its first read).
      expect((await repo.latest(cpf))?.props).toEqual({ ...legacy.props, validUntil: legacy.props.generatedAt });
      await saveRating(repo, ratingFor(cpf, 700, new Date('2026-11-01T00:00:00Z')), new Date('2026-10-01T00:00:00Z'));
      expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([700, 640]);
    });

    it('stores a window of writes in one go, skipping those already stored, as two workers writing the same window would', async () => {
      const repo = moduleRef.get(RatingRepository);
      const writes = Array.from({ length: 200 }, (_, i) =>
        ratingWrite(ratingFor(uniqueCpf(), 500 + i, new Date('2026-11-06T00:00:00Z')), null, null),
      );
      await Promise.all([repo.append(writes), repo.append(writes.slice(100))]);
      await repo.append(writes.slice(0, 10));
      const cpfs = writes.map((w) => w.rating.cpf);
      expect((await repo.headsOf(cpfs)).size).toBe(200);
      expect(
        await connection.collection(RATING_HEAD_COLLECTION).countDocuments({ cpf: { $in: cpfs.map((c) => c.value) } }),
      ).toBe(200);
      expect(
        await connection.collection(RATING_COLLECTION).countDocuments({ cpf: { $in: cpfs.map((c) => c.value) } }),
      ).toBe(200);
    });
  });

  describe('rating jobs', () => {
    it('registers a job id once: a second create changes nothing', async () => {
      const repo = moduleRef.get(RatingJobRepository);
      const job = {
        id: newId(),
        scope: { kind: 'ALL' as const },
        modelVersion: 'm',
        plan: { level: 'SHARD' as const, partitions: 64, estimatedCpfs: 0 },
        createdAt: new Date(),
      };
      expect(await repo.create(job)).toBe(true);
      expect(await repo.create({ ...job, modelVersion: 'other' })).toBe(false);
      expect((await repo.findById(job.id))?.modelVersion).toBe('m');
      const raw = await connection.collection<{ _id: string }>(RATING_JOB_COLLECTION).findOne({ _id: job.id });
      expect(raw).not.toHaveProperty('scope.cpfs');
    });
  });

  describe('health', () => {
    it('reports up while connected', async () => {
      expect(await moduleRef.get(MongoHealth).check()).toBe('up');
    });

    it('reports down for a connection that is not open', async () => {
      expect(await mongoHealth({ readyState: 0, db: undefined } as unknown as Connection)).toBe('down');
    });

    it('reports down when the ping hangs past the timeout', async () => {
      const hanging = {
        readyState: 1,
        db: { admin: () => ({ ping: () => new Promise(() => undefined) }) },
      } as unknown as Connection;
      expect(await mongoHealth(hanging, 50)).toBe('down');
    });
  });
});
