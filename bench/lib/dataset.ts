import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ROOT } from './processes';
import { Servers, createDatabase, dropDatabase, dropIndex, dropMongoDatabase, es, mongoUrlFor } from './resources';

/**
 * The API's demo data for the cached-read benchmark: a PostgreSQL database, a MongoDB database and an Elasticsearch
 * index of its own on the shared servers, written with field-encryption keys of its own (random, made when the set is
 * created). Loading the demo consumers is slow, so the set is kept between runs; its names and keys live in
 * bench/.data/ (git-ignored, mode 600). The keys protect synthetic demo data only.
 */
interface DataSet {
  cpfs: number;
  pgName: string;
  mongoName: string;
  esIndex: string;
  keys: { DATA_ENCRYPTION_KEYS: string; CPF_LOOKUP_KEY: string };
  createdAt: string;
  /** Set once the API has loaded the demo data and answered; a set left half-loaded by a crash is made again. */
  loaded: boolean;
}

const stateFile = (cpfs: number) => join(ROOT, 'bench/.data', `analysis-${cpfs}.json`);

function save(set: DataSet): void {
  mkdirSync(join(ROOT, 'bench/.data'), { recursive: true });
  const file = stateFile(set.cpfs);
  writeFileSync(file, JSON.stringify(set, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

async function databaseExists(baseUrl: string, name: string): Promise<boolean> {
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function indexExists(esUrl: string, index: string): Promise<boolean> {
  const res = await fetch(`${esUrl.replace(/\/$/, '')}/${index}`, { method: 'HEAD' });
  return res.ok;
}

export function urlsOf(servers: Servers, set: DataSet): { databaseUrl: string; mongodbUrl: string } {
  const db = new URL(servers.databaseUrl);
  db.pathname = `/${set.pgName}`;
  return { databaseUrl: db.toString(), mongodbUrl: mongoUrlFor(servers.mongodbUrl, set.mongoName) };
}

/** The kept set when it is complete and its databases and index still exist; otherwise a new, empty one. */
export async function openDataSet(
  servers: Servers,
  cpfs: number,
  fresh: boolean,
): Promise<{ set: DataSet; reused: boolean }> {
  const file = stateFile(cpfs);
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as DataSet;
    const intact =
      kept.loaded &&
      (await databaseExists(servers.databaseUrl, kept.pgName)) &&
      (await indexExists(servers.elasticsearchUrl, kept.esIndex));
    if (intact && !fresh) return { set: kept, reused: true };
    await dropDataSet(servers, kept);
  }
  const stamp = Date.now();
  const set: DataSet = {
    cpfs,
    pgName: `credit_bench_${cpfs}_${stamp}`,
    mongoName: `credit_bench_${cpfs}_${stamp}`,
    esIndex: `bench-analysis-${cpfs}-${stamp}`,
    keys: {
      DATA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CPF_LOOKUP_KEY: randomBytes(32).toString('base64'),
    },
    createdAt: new Date(stamp).toISOString(),
    loaded: false,
  };
  save(set);
  await createDatabase(servers.databaseUrl, set.pgName);
  return { set, reused: false };
}

export function markLoaded(set: DataSet): void {
  set.loaded = true;
  save(set);
}

export async function dropDataSet(servers: Servers, set: DataSet): Promise<void> {
  await dropDatabase(servers.databaseUrl, set.pgName);
  await dropMongoDatabase(urlsOf(servers, set).mongodbUrl);
  await dropIndex(servers.elasticsearchUrl, set.esIndex);
  const file = stateFile(set.cpfs);
  if (existsSync(file)) unlinkSync(file);
}

/**
 * Deletes the bureau inquiries the API recorded for the benchmark's requests (event ids `inq-…`); the demo's own
 * stay. This Elasticsearch distribution has no _delete_by_query, so ids are searched and bulk-deleted in pages.
 */
export async function deleteRecordedInquiries(esUrl: string, index: string): Promise<number> {
  let deleted = 0;
  await es(esUrl, 'POST', `/${index}/_refresh`);
  for (;;) {
    const page = await es(esUrl, 'POST', `/${index}/_search`, {
      size: 10_000,
      _source: false,
      query: { bool: { filter: [{ term: { type: 'BUREAU_INQUIRY' } }, { prefix: { eventId: 'inq-' } }] } },
    });
    const ids: string[] = (page.hits?.hits ?? []).map((h: { _id: string }) => h._id);
    if (ids.length === 0) return deleted;
    const body = ids.map((id) => JSON.stringify({ delete: { _index: index, _id: id } })).join('\n') + '\n';
    const res = await fetch(`${esUrl.replace(/\/$/, '')}/_bulk?refresh=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    if (!res.ok) throw new Error(`Elasticsearch bulk delete: ${res.status} ${(await res.text()).slice(0, 300)}`);
    deleted += ids.length;
  }
}
