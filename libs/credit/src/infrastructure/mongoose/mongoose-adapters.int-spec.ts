import { newId, ValidationError } from '@app/shared-kernel';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { Connection, Model } from 'mongoose';
import { RatingFeaturesRepository } from '../../application/ports/rating-features.repository';
import { RatingJob, RatingJobRepository } from '../../application/ports/rating-job.repository';
import { RatingRepository } from '../../application/ports/rating.repository';
import { Rating } from '../../domain/rating/rating';
import { collectPages, cursorJustBefore, featuresFor, firstPage, ratingFeaturesRepositoryContract, ratingFor, ratingJobRepositoryContract, ratingRepositoryContract, requireEnv, uniqueCpf } from '../../../../testing/src/contracts';
import { mongoHealth, MongoHealth } from './mongo-health';
import { RATING_HISTORY_KEPT } from './mongoose-rating.repository';
import { MongooseRatingModule } from './mongoose-rating.module';
import { MongooseRatingFeaturesRepository } from './mongoose-rating-features.repository';
import { RATING_FEATURES_COLLECTION, RATING_FEATURES_MODEL, RatingFeaturesDoc, RatingFeaturesSchema } from './rating-features.mongoose-schema';
import { MongooseRatingIndexes } from './rating-indexes';
import { RATING_JOB_COLLECTION } from './rating-job.mongoose-schema';
import { RATING_COLLECTION } from './rating.mongoose-schema';
import { RatingMongooseMapper } from './rating.mongoose-mapper';

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
    moduleRef = await Test.createTestingModule({ imports: [MongooseRatingModule.forRoot(url, { retryAttempts: 1, retryDelay: 500 })] }).compile();
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

  describe('MongooseRatingFeaturesRepository', () => ratingFeaturesRepositoryContract(() => moduleRef.get(RatingFeaturesRepository)));
  describe('MongooseRatingRepository', () => ratingRepositoryContract(() => moduleRef.get(RatingRepository)));
  describe('MongooseRatingJobRepository', () => ratingJobRepositoryContract(() => moduleRef.get(RatingJobRepository)));

  describe('indexes and documents', () => {
    const indexKeys = async (collection: string) => (await connection.collection(collection).indexes()).map((i) => ({ key: i.key, unique: !!i.unique }));

    it('declares a unique index on rating_features.cpf, and the server enforces it', async () => {
      expect(await indexKeys(RATING_FEATURES_COLLECTION)).toContainEqual({ key: { cpf: 1 }, unique: true });
      const cpf = uniqueCpf().value;
      const raw = connection.collection(RATING_FEATURES_COLLECTION);
      await raw.insertOne({ cpf });
      await expect(raw.insertOne({ cpf })).rejects.toMatchObject({ code: 11000 });
      await raw.deleteMany({ cpf });
    });

    it('indexes ratings by CPF, newest first, and rating_jobs by status', async () => {
      expect(await indexKeys(RATING_COLLECTION)).toContainEqual({ key: { cpf: 1, generatedAt: -1 }, unique: false });
      expect(await indexKeys(RATING_JOB_COLLECTION)).toContainEqual({ key: { status: 1 }, unique: false });
    });

    it('ensuring the indexes again is harmless', async () => {
      await moduleRef.get(MongooseRatingIndexes).ensure();
      expect(await indexKeys(RATING_FEATURES_COLLECTION)).toContainEqual({ key: { cpf: 1 }, unique: true });
    });

    it('keeps one document per CPF however often the features are saved, with money as integer cents', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      const cpf = uniqueCpf();
      await repo.save(featuresFor(cpf, 100_001));
      await repo.save(featuresFor(cpf, 100_002));
      await Promise.all([repo.save(featuresFor(cpf, 100_003)), repo.save(featuresFor(cpf, 100_003))]);
      const docs = await connection.collection(RATING_FEATURES_COLLECTION).find({ cpf: cpf.value }).toArray();
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 100_003 }], assets: [{ valueCents: 40_000_000, outstandingCents: 10_000_000 }, { valueCents: 1_500_000, outstandingCents: 0 }] });
      expect(docs[0].birthDate).toBeInstanceOf(Date);
      expect(docs[0].address).toMatchObject({ city: 'Recife', complement: null });
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
      const repo = new MongooseRatingFeaturesRepository(scratch.model<RatingFeaturesDoc>(RATING_FEATURES_MODEL, RatingFeaturesSchema, RATING_FEATURES_COLLECTION));
      try {
        expect(await repo.estimatedCount()).toBe(0); // no collection yet: $collStats refuses, the exact count is 0
        for (const cpf of [uniqueCpf(), uniqueCpf(), uniqueCpf()]) await repo.save(featuresFor(cpf));
        // A new collection: FerretDB has no PostgreSQL statistics for it yet (-1), MongoDB keeps its count in metadata.
        expect(await repo.estimatedCount()).toBe(3);
      } finally {
        await scratch.dropDatabase();
      }
    });

    it('lists a stored document that is not valid features with features: null, so only that CPF fails', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      const cpf = uniqueCpf();
      await repo.save(featuresFor(cpf));
      // A hand edit the schema allows but the domain does not: a consumer born tomorrow.
      await connection.collection(RATING_FEATURES_COLLECTION).updateOne({ cpf: cpf.value }, { $set: { birthDate: new Date(Date.now() + 86_400_000) } });
        expect(await firstPage(repo.pagesAfter(cursorJustBefore(cpf), 1))).toEqual([{ cpf: cpf.value, features: null }]);
      await expect(repo.findByCpf(cpf)).rejects.toThrow(ValidationError);
      await connection.collection(RATING_FEATURES_COLLECTION).deleteOne({ cpf: cpf.value });
    });

    it('rejects documents with fields the schema does not know', async () => {
      const model = moduleRef.get<Model<RatingFeaturesDoc>>(getModelToken(RATING_FEATURES_MODEL));
      await expect(model.replaceOne({ cpf: '00000000000' }, { cpf: '00000000000', surprise: 1 } as never, { upsert: true })).rejects.toThrow(/surprise/);
    });

    it('walks every CPF once, in order, in pages of at most the page size', async () => {
      const repo = moduleRef.get(RatingFeaturesRepository);
      const pages = await collectPages(repo.pagesAfter(null, 2));
      expect(pages.every((p) => p.length >= 1 && p.length <= 2)).toBe(true);
      const all = pages.flat().map((e) => e.cpf);
      expect(all).toEqual([...all].sort());
      expect(new Set(all).size).toBe(await connection.collection(RATING_FEATURES_COLLECTION).countDocuments({}));
    });
  });

  describe('rating history', () => {
    it('serves the newest by generatedAt as latest, whatever the order of saving, and the later insert on a tie', async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      await repo.save(ratingFor(cpf, 700, new Date('2026-11-03T10:00:00Z')));
      await repo.save(ratingFor(cpf, 640, new Date('2026-11-01T10:00:00Z')));
      expect((await repo.latest(cpf))?.props.score).toBe(700);
      await repo.save(ratingFor(cpf, 710, new Date('2026-11-03T10:00:00Z')));
      expect((await repo.latest(cpf))?.props.score).toBe(710);
      expect((await repo.history(cpf, 10)).map((r) => r.props.score)).toEqual([710, 700, 640]);
      expect(await repo.history(cpf, 0)).toEqual([]);
    });

    it(`keeps the newest ${RATING_HISTORY_KEPT} ratings per CPF and prunes older ones`, async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      const other = uniqueCpf();
      await repo.save(ratingFor(other, 500, new Date('2020-01-01T00:00:00Z')));
      const start = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < RATING_HISTORY_KEPT + 3; i++) await repo.save(ratingFor(cpf, 300 + i, new Date(start + i * 60_000)));
      expect(await connection.collection(RATING_COLLECTION).countDocuments({ cpf: cpf.value })).toBe(RATING_HISTORY_KEPT);
      const history = await repo.history(cpf, 1000);
      expect(history).toHaveLength(RATING_HISTORY_KEPT);
      expect(history[0].props.score).toBe(300 + RATING_HISTORY_KEPT + 2);
      expect(history[history.length - 1].props.score).toBe(303);
      expect(await repo.history(other, 10)).toHaveLength(1);
    });

    it('reads a rating stored before validUntil existed as valid only until its generation, so a read re-rates' +
      ' it', async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      const { validUntil: _none, ...old } = RatingMongooseMapper.toPersistence(
        ratingFor(cpf, 650, new Date('2026-11-04T00:00:00Z'))
      );
      await connection.collection(RATING_COLLECTION).insertOne({ ...old });
      const rating = await repo.latest(cpf);
      expect(rating?.props.validUntil).toEqual(new Date('2026-11-04T00:00:00Z'));
      expect(rating?.isValidAt(new Date('2026-11-04T00:00:00Z'))).toBe(false);
    });

    it('round-trips a rating without an improvement', async () => {
      const repo = moduleRef.get(RatingRepository);
      const cpf = uniqueCpf();
      const rating = Rating.create({ ...ratingFor(cpf, 900, new Date('2026-11-05T00:00:00Z')).props, improvement: null, reasonCodes: [] });
      await repo.save(rating);
      expect((await repo.latest(cpf))?.props).toEqual(rating.props);
    });
  });

  describe('rating jobs', () => {
    const job = (over: Partial<RatingJob>): RatingJob => ({
      id: newId(), scope: { kind: 'ALL' }, status: 'PENDING', total: 0, processed: 0, failed: 0, cursor: null, ratingsPerSecond: 0,
      createdAt: new Date('2026-11-25T10:00:00Z'), updatedAt: new Date('2026-11-25T10:00:00Z'), finishedAt: null, error: null, ...over,
    });

    it('round-trips an ALL scope without inventing a CPF list, and a finished job with its error', async () => {
      const repo = moduleRef.get(RatingJobRepository);
      const all = job({});
      await repo.create(all);
      expect(await repo.findById(all.id)).toStrictEqual(all);
      const failed = { ...all, status: 'FAILED' as const, finishedAt: new Date('2026-11-25T11:00:00Z'), error: 'boom', cursor: '12345678909' };
      await repo.update(failed);
      expect(await repo.findById(all.id)).toStrictEqual(failed);
      expect((await repo.unfinished()).map((j) => j.id)).not.toContain(all.id);
      const raw = await connection.collection<{ _id: string }>(RATING_JOB_COLLECTION).findOne({ _id: all.id });
      expect(raw).not.toHaveProperty('scope.cpfs');
    });

    it('refuses a second create with the same id', async () => {
      const repo = moduleRef.get(RatingJobRepository);
      const j = job({});
      await repo.create(j);
      await expect(repo.create(j)).rejects.toMatchObject({ code: 11000 });
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
      const hanging = { readyState: 1, db: { admin: () => ({ ping: () => new Promise(() => undefined) }) } } as unknown as Connection;
      expect(await mongoHealth(hanging, 50)).toBe('down');
    });
  });
});
