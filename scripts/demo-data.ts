import { AppConfig, loadConfig, serverUrls } from '@app/platform';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import mongoose from 'mongoose';
import 'reflect-metadata';
import {
  DEMO_RECORDS_COLLECTION,
  RATING_FEATURES_COLLECTION,
  RATING_COLLECTION,
  RATING_HEAD_COLLECTION,
} from '@app/adapters/mongodb';
import { postgresDataSource } from '@app/adapters/postgres';

/**
 * `npm run demo -- status|remove`: counts or removes what the demo loader wrote into real servers (README, Commands),
 * with the apps' environment. A consumer written through the API since is no longer demo data and stays; the
 * append-only audit log keeps its entries, and cached analyses expire within ANALYSIS_TTL_SECONDS.
 */

/** Demo records per store; null where the store is not configured (embedded stores die with their process). */
interface DemoCounts {
  consumers: number | null;
  ratingSubjects: number | null;
  events: number | null;
}

const DEMO_EVENTS = { term: { demo: true } };

async function withPostgres<T>(
  url: string,
  run: (query: (sql: string) => Promise<{ n: string }[]>) => Promise<T>,
): Promise<T> {
  const dataSource = await postgresDataSource(url).initialize();
  try {
    return await run((sql) => dataSource.query(sql));
  } finally {
    await dataSource.destroy();
  }
}

async function withMongo<T>(url: string, run: (db: mongoose.Connection) => Promise<T>): Promise<T> {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    return await run(connection);
  } finally {
    await connection.close();
  }
}

async function withElasticsearch<T>(url: string, run: (es: Elasticsearch) => Promise<T>): Promise<T> {
  const es = new Elasticsearch({ nodes: serverUrls(url), requestTimeout: 60_000 });
  try {
    return await run(es);
  } finally {
    await es.close();
  }
}

export async function demoStatus(config: AppConfig): Promise<DemoCounts> {
  const [consumers, ratingSubjects, events] = await Promise.all([
    config.databaseUrl
      ? withPostgres(config.databaseUrl, async (q) =>
          Number((await q('SELECT count(*) AS n FROM consumers WHERE demo'))[0].n),
        )
      : null,
    config.mongodbUrl
      ? withMongo(config.mongodbUrl, (db) => db.collection(DEMO_RECORDS_COLLECTION).countDocuments())
      : null,
    config.elasticsearchUrl
      ? withElasticsearch(config.elasticsearchUrl, async (es) =>
          (await es.indices.exists({ index: config.elasticsearchIndex }))
            ? (await es.count({ index: config.elasticsearchIndex, query: DEMO_EVENTS })).count
            : 0,
        )
      : null,
  ]);
  return { consumers, ratingSubjects, events };
}

/** Deletes every marked record; returns how many of each went. */
export async function removeDemoData(config: AppConfig): Promise<DemoCounts> {
  const consumers = config.databaseUrl
    ? await withPostgres(config.databaseUrl, async (q) =>
        Number(
          (await q('WITH gone AS (DELETE FROM consumers WHERE demo RETURNING 1) SELECT count(*) AS n FROM gone'))[0].n,
        ),
      )
    : null;
  const ratingSubjects = config.mongodbUrl
    ? await withMongo(config.mongodbUrl, async (db) => {
        const marks = db.collection<{ _id: string }>(DEMO_RECORDS_COLLECTION);
        let removed = 0;
        for (;;) {
          const cpfs = (
            await marks
              .find({}, { projection: { _id: 1 } })
              .limit(1_000)
              .toArray()
          ).map((m) => m._id);
          if (cpfs.length === 0) return removed;
          await db.collection(RATING_FEATURES_COLLECTION).deleteMany({ cpf: { $in: cpfs } });
          await db.collection(RATING_COLLECTION).deleteMany({ cpf: { $in: cpfs } });
          // Their loose heads; their heads in partition snapshots go with the next job over those partitions.
          await db.collection(RATING_HEAD_COLLECTION).deleteMany({ cpf: { $in: cpfs } });
          removed += (await marks.deleteMany({ _id: { $in: cpfs } })).deletedCount;
        }
      })
    : null;
  const events = config.elasticsearchUrl
    ? await withElasticsearch(config.elasticsearchUrl, async (es) => {
        const index = config.elasticsearchIndex;
        if (!(await es.indices.exists({ index }))) return 0;
        // By id, page by page, rather than _delete_by_query: distributions without the reindex module lack it.
        let removed = 0;
        for (;;) {
          const hits = (await es.search({ index, query: DEMO_EVENTS, size: 5_000, _source: false })).hits.hits;
          if (hits.length === 0) return removed;
          await es.bulk({ refresh: true, operations: hits.map((h) => ({ delete: { _index: index, _id: h._id! } })) });
          removed += hits.length;
        }
      })
    : null;
  return { consumers, ratingSubjects, events };
}

function summary(counts: DemoCounts, verb: string): string {
  const line = (label: string, n: number | null) =>
    `  ${label.padEnd(44)} ${n === null ? 'not configured (embedded: nothing outlives the process)' : `${n} ${verb}`}`;
  return [
    line('PostgreSQL consumers (with their debts)', counts.consumers),
    line('MongoDB CPFs (rating features and ratings)', counts.ratingSubjects),
    line('Elasticsearch events', counts.events),
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [command] = argv;
  if (command !== 'status' && command !== 'remove') throw new Error('usage: npm run demo -- status | remove');
  const config = loadConfig();
  if (!config.databaseUrl && !config.mongodbUrl && !config.elasticsearchUrl) {
    throw new Error(
      'no store is configured (DATABASE_URL, MONGODB_URL, ELASTICSEARCH_URL): ' +
        'embedded demo data lives only as long as its process',
    );
  }
  if (command === 'status')
    console.log(`demo data in the configured stores:\n${summary(await demoStatus(config), 'demo records')}`);
  else console.log(`removed the demo data:\n${summary(await removeDemoData(config), 'removed')}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
