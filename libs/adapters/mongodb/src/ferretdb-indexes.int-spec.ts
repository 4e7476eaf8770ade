import { getConnectionToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { Connection } from 'mongoose';
import { Client } from 'pg';
import { RatingFeaturesRepository, RatingRepository } from '@app/credit-application';
import { featuresFor, ratingFor, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { saveRating } from '@app/testing';
import { FERRETDB_LOOKUP_FIELDS, ensureFerretDbLookupIndexes, ferretDbPostgresUrl } from './ferretdb-indexes';
import { MongooseRatingModule } from './mongoose-rating.module';
import { MongooseRatingIndexes } from './rating-indexes';
import { RATING_FEATURES_COLLECTION } from './rating-features.mongoose-schema';
import { RATING_COLLECTION, RATING_HEAD_COLLECTION, RATING_HEAD_PAGE_COLLECTION } from './rating.mongoose-schema';

jest.setTimeout(30_000);

/**
 * Only meaningful on FerretDB on PostgreSQL (the local servers of scripts/services): on MongoDB there is no table
 * behind a collection, and the declared indexes are used as they are.
 */
describe('FerretDB look-up indexes (GIN on the pushdown expression)', () => {
  const mongoBase = requireEnv('MONGODB_URL');
  const pgUrl = ferretDbPostgresUrl({ ...process.env, DATABASE_URL: requireEnv('DATABASE_URL') })!;
  const database = `credit_it_gin_${Date.now().toString(36)}_${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  let moduleRef: TestingModule;
  let connection: Connection;
  let pg: Client;
  let ferret = false;

  beforeAll(async () => {
    const url = new URL(mongoBase);
    url.pathname = `/${database}`;
    moduleRef = await Test.createTestingModule({
      imports: [MongooseRatingModule.forRoot(url.toString(), { retryAttempts: 1, retryDelay: 500 })],
    }).compile();
    await moduleRef.init();
    connection = moduleRef.get<Connection>(getConnectionToken());
    ferret = Boolean(
      ((await connection.db!.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string }).ferretdbVersion,
    );
    pg = new Client({ connectionString: pgUrl });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    if (!moduleRef) return;
    try {
      await connection?.dropDatabase();
    } finally {
      await moduleRef.close();
    }
  });

  /**
   * The plan PostgreSQL picks for FerretDB's pushdown of {field: value}, with sequential scans ruled out if an index
   * can serve.
   */
  async function planFor(collection: string, value: string | number, field = 'cpf'): Promise<string> {
    const { rows } = await pg.query<{ table: string }>(
      `SELECT _jsonb->>'table' AS table FROM "${database}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
      [collection],
    );
    await pg.query('BEGIN');
    try {
      await pg.query('SET LOCAL enable_seqscan = off');
      const plan = await pg.query(
        `EXPLAIN SELECT _jsonb FROM "${database}"."${rows[0]!.table}" WHERE _jsonb -> '${field}' @> $1::jsonb`,
        [JSON.stringify(value)],
      );
      return plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    } finally {
      await pg.query('ROLLBACK');
    }
  }

  it('makes a look-up by CPF, shard or bucket an index scan, and the adapters read the same documents', async () => {
    if (!ferret) return console.warn('MONGODB_URL is not FerretDB: nothing to index in PostgreSQL');
    const features = moduleRef.get(RatingFeaturesRepository);
    const ratings = moduleRef.get(RatingRepository);
    const cpfs = Array.from({ length: 20 }, () => uniqueCpf());
    for (const [i, cpf] of cpfs.entries()) {
      await features.save(featuresFor(cpf, 100_000 + i));
      await saveRating(ratings, ratingFor(cpf, 600 + i, new Date(Date.UTC(2026, 0, 1 + i))));
    }
    const probe = cpfs[7]!;
    // FerretDB's own btree index on (_jsonb->'cpf') cannot answer its `@>` pushdown: a scan, whatever the planner is
    // told.
    expect(await planFor(RATING_FEATURES_COLLECTION, probe.value)).toMatch(/Seq Scan/);
    const explained = JSON.stringify(
      await connection.collection(RATING_FEATURES_COLLECTION).find({ cpf: probe.value }).explain(),
    );
    expect(explained).toMatch(/_jsonb -> 'cpf'::text\) @> /);

    const result = await ensureFerretDbLookupIndexes(pgUrl, database);
    expect(result.missing).toEqual([]);
    expect(result.indexes).toHaveLength(FERRETDB_LOOKUP_FIELDS.length);
    for (const collection of [RATING_FEATURES_COLLECTION, RATING_COLLECTION]) {
      expect(await planFor(collection, probe.value)).toMatch(/Bitmap Index Scan on \S+_cpf_gin/);
    }
    for (const field of ['shard', 'bucket']) {
      for (const collection of [RATING_FEATURES_COLLECTION, RATING_HEAD_COLLECTION, RATING_HEAD_PAGE_COLLECTION]) {
        expect(await planFor(collection, 7, field)).toMatch(new RegExp(`Bitmap Index Scan on \\S+_${field}_gin`));
      }
    }
    expect((await features.findByCpf(probe))?.props.incomeSources[0]?.monthlyAmount.cents).toBe(100_007);
    expect((await ratings.latest(probe))?.props.score).toBe(607);
  });

  it('is idempotent and reports collections that do not exist yet', async () => {
    if (!ferret) return;
    const again = await ensureFerretDbLookupIndexes(pgUrl, database);
    expect(again.indexes).toHaveLength(FERRETDB_LOOKUP_FIELDS.length);
    const { rows } = await pg.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%\\_cpf\\_gin'`,
      [database],
    );
    expect(rows).toHaveLength(FERRETDB_LOOKUP_FIELDS.filter((f) => f.field === 'cpf').length);
    expect(await ensureFerretDbLookupIndexes(pgUrl, database, [{ collection: 'nope', field: 'cpf' }])).toEqual({
      indexes: [],
      missing: ['nope'],
    });
    expect(await ensureFerretDbLookupIndexes(pgUrl, `${database}_absent`)).toEqual({
      indexes: [],
      missing: FERRETDB_LOOKUP_FIELDS.map((f) => f.collection),
    });
  });

  it("keeps look-ups off GIN's pending list: fastupdate off, and an index made with it on is switched and merged", async () => {
    if (!ferret) return;
    const gin = async (collection: string) => {
      const { rows } = await pg.query<{ table: string }>(
        `SELECT _jsonb->>'table' AS table FROM "${database}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
        [collection],
      );
      return { table: rows[0]!.table, index: `"${database}"."${`${rows[0]!.table}_cpf_gin`.slice(0, 63)}"` };
    };
    const options = async (index: string) =>
      (
        await pg.query<{ reloptions: string[] | null }>('SELECT reloptions FROM pg_class WHERE oid = $1::regclass', [
          index,
        ])
      ).rows[0]!.reloptions;
    /** Merges the index's pending list and says how many pages it held. */
    const pendingPages = async (index: string) =>
      Number((await pg.query<{ n: string }>('SELECT gin_clean_pending_list($1::regclass) AS n', [index])).rows[0]!.n);
    const features = moduleRef.get(RatingFeaturesRepository);
    const ratings = moduleRef.get(RatingRepository);
    const f = await gin(RATING_FEATURES_COLLECTION);
    const r = await gin(RATING_COLLECTION);
    // Both as an earlier version made them: GIN's default, fastupdate on.
    for (const { table, index } of [f, r]) {
      await pg.query(`DROP INDEX IF EXISTS ${index}`);
      await pg.query(
        `CREATE INDEX ${index.split('.')[1]} ON "${database}"."${table}" USING gin ((_jsonb -> 'cpf') jsonb_path_ops)`,
      );
    }
    const cpfs = Array.from({ length: 200 }, () => uniqueCpf());
    for (const [i, cpf] of cpfs.entries()) await features.save(featuresFor(cpf, 50_000 + i));
    // The trap itself: with fastupdate on, those inserts wait in the pending list that every look-up scans.
    expect(await pendingPages(f.index)).toBeGreaterThan(0);
    for (const [i, cpf] of cpfs.entries())
      await saveRating(ratings, ratingFor(cpf, 500 + (i % 100), new Date(Date.UTC(2026, 1, 1))));

    await ensureFerretDbLookupIndexes(pgUrl, database);

    for (const { index } of [f, r]) {
      expect(await options(index)).toEqual(['fastupdate=off']);
      expect(await pendingPages(index)).toBe(0);
    }
    for (const [i, cpf] of Array.from({ length: 100 }, () => uniqueCpf()).entries())
      await saveRating(ratings, ratingFor(cpf, 600, new Date(Date.UTC(2026, 1, 2 + (i % 20)))));
    expect(await pendingPages(r.index)).toBe(0);
    expect((await ratings.latest(cpfs[42]!))?.props.score).toBe(542);
  });

  it('is made at start-up by MongooseRatingIndexes when FERRETDB_POSTGRESQL_URL is set, and a bad URL only warns', async () => {
    if (!ferret) return;
    const startup = moduleRef.get(MongooseRatingIndexes);
    const ginIndexes = async () =>
      (
        await pg.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%\\_cpf\\_gin'`,
          [database],
        )
      ).rows.map((r) => r.indexname);
    for (const name of await ginIndexes()) await pg.query(`DROP INDEX "${database}"."${name}"`);
    expect(await ginIndexes()).toEqual([]);
    await startup.ensureFerretDbIndexes(pgUrl);
    expect(await ginIndexes()).toHaveLength(FERRETDB_LOOKUP_FIELDS.filter((f) => f.field === 'cpf').length);
    await expect(startup.ensureFerretDbIndexes('postgres://nobody:wrong@127.0.0.1:1/none')).resolves.toBeUndefined();
    await expect(startup.ensureFerretDbIndexes(undefined)).resolves.toBeUndefined();
  });

  it('refuses a database name that is not a plain identifier', async () => {
    if (!ferret) return;
    await expect(ensureFerretDbLookupIndexes(pgUrl, 'x"; DROP SCHEMA public; --')).rejects.toThrow(/identifier/);
  });
});
