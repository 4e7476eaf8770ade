import { Client } from 'pg';
import { RATING_FEATURES_COLLECTION } from './rating-features.mongoose-schema';
import { PARTITION_RUN_COLLECTION } from './rating-job.mongoose-schema';
import { RATING_COLLECTION, RATING_HEAD_COLLECTION, RATING_HEAD_PAGE_COLLECTION } from './rating.mongoose-schema';

interface LookupField {
  collection: string;
  field: string;
}

/**
 * The look-ups on the analysis and rating paths: one CPF's features and ratings; a rating job's partitions (shard
 * or bucket) of features, loose heads and head snapshots; a job's partition runs.
 */
export const FERRETDB_LOOKUP_FIELDS: readonly LookupField[] = [
  { collection: RATING_FEATURES_COLLECTION, field: 'cpf' },
  { collection: RATING_FEATURES_COLLECTION, field: 'shard' },
  { collection: RATING_FEATURES_COLLECTION, field: 'bucket' },
  { collection: RATING_COLLECTION, field: 'cpf' },
  { collection: RATING_HEAD_COLLECTION, field: 'shard' },
  { collection: RATING_HEAD_COLLECTION, field: 'bucket' },
  { collection: RATING_HEAD_PAGE_COLLECTION, field: 'shard' },
  { collection: RATING_HEAD_PAGE_COLLECTION, field: 'bucket' },
  { collection: PARTITION_RUN_COLLECTION, field: 'jobId' },
];

const IDENTIFIER = /^[A-Za-z0-9_]{1,63}$/;
const quote = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
};

/**
 * Creates a GIN index per look-up field in the PostgreSQL database behind FerretDB 1.x, whose own btree indexes cannot
 * answer the `@>` it queries with. Run it before the collections are first queried, or cached plans keep scanning.
 * Idempotent; returns the indexes present and the collections not created yet (docs/implementation-notes.md).
 */
export async function ensureFerretDbLookupIndexes(
  postgresUrl: string,
  database: string,
  fields: readonly LookupField[] = FERRETDB_LOOKUP_FIELDS,
): Promise<{ indexes: string[]; missing: string[] }> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const schema = quote(database);
    const exists = await client.query(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [database, '_ferretdb_database_metadata'],
    );
    if (exists.rowCount === 0) return { indexes: [], missing: fields.map((f) => f.collection) };
    const { rows } = await client.query<{ collection: string; table: string }>(
      `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${schema}._ferretdb_database_metadata`,
    );
    const tables = new Map(rows.map((r) => [r.collection, r.table]));
    const indexes: string[] = [];
    const missing: string[] = [];
    for (const { collection, field } of fields) {
      const table = tables.get(collection);
      if (!table) {
        missing.push(collection);
        continue;
      }
      const name = `${table}_${field}_gin`.slice(0, 63);
      // The expression must be exactly FerretDB's pushdown expression (_jsonb -> 'field') for the planner to match it.
      await client.query(
        `CREATE INDEX IF NOT EXISTS ${quote(name)} ON ${schema}.${quote(table)} USING gin ((_jsonb -> '${field.replace(/'/g, "''")}') jsonb_path_ops) WITH (fastupdate = off)`,
      );
      // An index made before fastupdate was turned off keeps it until told, and its pending entries until merged.
      await client.query(`ALTER INDEX ${schema}.${quote(name)} SET (fastupdate = off)`);
      await client.query('SELECT gin_clean_pending_list($1::regclass)', [`${schema}.${quote(name)}`]);
      indexes.push(name);
    }
    return { indexes, missing };
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL database behind FerretDB: FERRETDB_POSTGRESQL_URL, or DATABASE_URL's server with database `ferretdb`
 * (scripts/services).
 */
export function ferretDbPostgresUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FERRETDB_POSTGRESQL_URL) return env.FERRETDB_POSTGRESQL_URL;
  if (!env.DATABASE_URL) return null;
  const url = new URL(env.DATABASE_URL);
  url.pathname = '/ferretdb';
  return url.toString();
}
