import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { getModelToken } from '@nestjs/mongoose';
import type { INestApplicationContext } from '@nestjs/common';
import type { Model } from 'mongoose';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/platform';
import { Cpf, DAY_MS } from '../../libs/shared-kernel/src';
import { CreditModule, CreditModuleOptions } from '@app/credit';
import {
  ConsumerRepository,
  TransactionStore,
  consumerFromInput,
  ratingFeaturesFromInput,
  validateEvents,
  UpsertConsumerInput,
  UpsertRatingFeaturesInput,
  seededRandom,
  RatingRepository,
} from '@app/credit-application';
import {
  TransactionEventInput,
  Rating,
  WoeLogisticScorer,
  buildScoringFacts,
  scoringActivityOf,
  RatingWrite,
  ratingWrite,
} from '@app/credit-domain';
import { Cnpj } from '@app/shared-kernel';
import { InMemoryTransactionStore } from '@app/adapters/embedded';
import { TypeormConsumerRepository } from '@app/adapters/postgres';
import {
  RATING_FEATURES_MODEL,
  RatingFeaturesDoc,
  RatingFeaturesMongooseMapper,
  FERRETDB_LOOKUP_FIELDS,
  ensureFerretDbLookupIndexes,
  ferretDbPostgresUrl,
} from '@app/adapters/mongodb';
import { ROOT } from './processes';
import { Servers, createDatabase, dropDatabase, dropIndex, dropMongoDatabase, es, mongoUrlFor } from './resources';

/**
 * A data set at scale for the uncached-analysis and regeneration benchmarks, in stores of its own: N consumers, each
 * generated from its own seed (the same set on every machine), with features, a rating our scorer computes (so a
 * regeneration right after loading changes nothing) and events, loaded through our adapters (docs/benchmarks.md).
 */
export interface ScaleSet {
  consumers: number;
  heavy: number;
  pgName: string;
  mongoName: string;
  esIndex: string;
  keys: { DATA_ENCRYPTION_KEYS: string; CPF_LOOKUP_KEY: string };
  /** Reference day the events and debts were generated around (ISO). */
  referenceDay: string;
  createdAt: string;
  loaded: boolean;
  /** How B is stored (SCALE_LAYOUT); a set kept from an older layout is loaded again. */
  layout?: number;
  load?: { seconds: number; events: number; perStage: Record<string, number> };
}

/** 3: B in the layout of the partitioned rating engine (payload documents, history with seq, snapshot pages). */
const SCALE_LAYOUT = 3;

export const groupOf = (i: number, heavy: number): 'e1000' | 'e100' | 'e10' =>
  i < heavy ? 'e1000' : i < 2 * heavy ? 'e100' : 'e10';
const eventsFor = (i: number, heavy: number) => ({ e1000: 1000, e100: 100, e10: 10 })[groupOf(i, heavy)];
export const totalEvents = (consumers: number, heavy: number) => {
  const h = Math.min(heavy, Math.floor(consumers / 2));
  return h * 1000 + h * 100 + (consumers - 2 * h) * 10;
};

/** The i-th CPF of every set: 9 digits from 200,000,000 + i, plus its check digits. */
export function cpfOf(i: number): string {
  const base9 = String(200_000_000 + i);
  return base9 + Cpf.checkDigits(base9);
}

const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Elisa',
  'Fábio',
  'Gabriela',
  'Heitor',
  'Isabela',
  'João',
  'Larissa',
  'Marcos',
];
const LAST = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes'];
const CITIES: [string, string, string][] = [
  ['São Paulo', 'SP', '01310'],
  ['Rio de Janeiro', 'RJ', '20040'],
  ['Belo Horizonte', 'MG', '30130'],
  ['Curitiba', 'PR', '80010'],
  ['Recife', 'PE', '50030'],
];
const CREDITORS = ['Banco Horizonte S.A.', 'Financeira Aurora', 'Loja Magna Varejo', 'Cartões Estrela'];
const MERCHANTS: [string, string][] = [
  ['Supermercado Bom Preço', '5411'],
  ['Posto Avenida', '5541'],
  ['Farmácia Saúde', '5912'],
  ['Restaurante Sabor', '5812'],
];
const INQUIRERS = ['Banco Horizonte S.A.', 'Financeira Aurora', 'Imobiliária Lar'];
const MOVES = ['SALARY', 'TRANSFER_IN', 'TRANSFER_OUT', 'BILL_PAYMENT', 'LOAN_PAYMENT', 'WITHDRAWAL'] as const;
const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const iso = (ms: number) => new Date(ms).toISOString();
const cnpjs = CREDITORS.map((_, d) => {
  const base12 = `${String(11_111_000 + d * 7919).padStart(8, '0')}0001`;
  return base12 + Cnpj.checkDigits(base12);
});

export interface Generated {
  consumer: UpsertConsumerInput;
  features: UpsertRatingFeaturesInput;
  events: TransactionEventInput[];
}

/** Consumer i of a set around `today` (UTC midnight, ms); events spread over the last 180 days. */
function generateConsumer(i: number, heavy: number, today: number): Generated {
  const rnd = seededRandom(0x9e3779b1 ^ (i * 2654435761));
  const cpf = cpfOf(i);
  const [city, state, cep] = pick(rnd, CITIES);
  const address = {
    street: 'Rua das Flores',
    number: String(1 + Math.floor(rnd() * 2000)),
    complement: null,
    district: 'Centro',
    city,
    state,
    postalCode: `${cep}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`,
  };
  const risk = rnd();
  const debts = Array.from({ length: Math.floor(rnd() * 4) }, (_, d) => {
    const ageDays = Math.floor(rnd() * (risk > 0.8 ? 2400 : 400)) - 60;
    const overdue = ageDays > 0 && rnd() < risk;
    return {
      id: `debt-${d}`,
      creditor: CREDITORS[d % CREDITORS.length]!,
      creditorCnpj: cnpjs[d % CREDITORS.length]!,
      amountCents: 5_000 + Math.floor(rnd() * 800_000),
      dueDate: iso(today - ageDays * DAY_MS).slice(0, 10),
      status: ageDays <= 0 ? 'OPEN' : overdue ? 'OVERDUE' : 'PAID',
      limitationDate: null,
    };
  });
  const age = 19 + Math.floor(rnd() * 60);
  const salary = 150_000 + Math.floor(rnd() * 1_500_000);
  const features: UpsertRatingFeaturesInput = {
    cpf,
    address,
    birthDate: iso(today - (age * 365.25 + Math.floor(rnd() * 300)) * DAY_MS).slice(0, 10),
    assets:
      rnd() < 0.5
        ? [
            {
              kind: 'VEHICLE',
              valueCents: 3_000_000 + Math.floor(rnd() * 9_000_000),
              financed: false,
              outstandingCents: 0,
            },
          ]
        : [],
    incomeSources: [
      {
        kind: age > 65 ? 'PENSION' : 'SALARY',
        monthlyAmountCents: salary,
        since: iso(today - Math.floor(rnd() * 3650 + 30) * DAY_MS).slice(0, 10),
      },
    ],
  };
  const events: TransactionEventInput[] = [];
  const n = eventsFor(i, heavy);
  for (let e = 0; e < n; e++) {
    const at = iso(today - Math.floor(rnd() * 180 * DAY_MS) - 3_600_000);
    const r = rnd();
    // No CPF in event ids: ids show up in logs and dead-letter headers.
    const eventId = `s${i}-${e}`;
    if (r < 0.1)
      events.push({
        eventId,
        cpf,
        type: 'BUREAU_INQUIRY',
        occurredAt: at,
        inquirer: pick(rnd, INQUIRERS),
        purpose: 'CREDIT_GRANTING',
      });
    else if (r < 0.55) {
      const kind = pick(rnd, MOVES);
      const sign = kind === 'SALARY' || kind === 'TRANSFER_IN' ? 1 : -1;
      events.push({
        eventId,
        cpf,
        type: 'FINANCIAL_MOVEMENT',
        occurredAt: at,
        kind,
        amountCents: sign * (kind === 'SALARY' ? salary : 1_000 + Math.floor(rnd() * 300_000)),
      });
    } else {
      const [merchant, mcc] = pick(rnd, MERCHANTS);
      events.push({
        eventId,
        cpf,
        type: 'CARD_PURCHASE',
        occurredAt: at,
        merchant,
        mcc,
        amountCents: 500 + Math.floor(rnd() * 150_000),
        installments: 1,
        approved: rnd() > risk * 0.3,
        cardLast4: String(1000 + (i % 9000)),
      });
    }
  }
  return { consumer: { cpf, name: `${pick(rnd, FIRST)} ${pick(rnd, LAST)}`, address, debts }, features, events };
}

// ---------------------------------------------------------------------------------------------------------------------
// The kept set: names and keys in bench/.data/ (git-ignored, mode 600).

const stateFile = (consumers: number, heavy: number) => join(ROOT, 'bench/.data', `scale-${consumers}-h${heavy}.json`);

function save(set: ScaleSet): void {
  mkdirSync(join(ROOT, 'bench/.data'), { recursive: true });
  const file = stateFile(set.consumers, set.heavy);
  writeFileSync(file, JSON.stringify(set, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function scaleUrls(servers: Servers, set: ScaleSet): { databaseUrl: string; mongodbUrl: string } {
  const db = new URL(servers.databaseUrl);
  db.pathname = `/${set.pgName}`;
  return { databaseUrl: db.toString(), mongodbUrl: mongoUrlFor(servers.mongodbUrl, set.mongoName) };
}

/** The environment our apps need to run on this set (the caller adds Redis, RabbitMQ, port...). */
export function scaleEnv(servers: Servers, set: ScaleSet): Record<string, string> {
  const { databaseUrl, mongodbUrl } = scaleUrls(servers, set);
  return {
    ...set.keys,
    DATABASE_URL: databaseUrl,
    MONGODB_URL: mongodbUrl,
    ELASTICSEARCH_URL: servers.elasticsearchUrl,
    ELASTICSEARCH_INDEX: set.esIndex,
    DEMO_CONSUMERS: '0',
  };
}

export async function dropScaleSet(servers: Servers, set: ScaleSet): Promise<void> {
  await dropDatabase(servers.databaseUrl, set.pgName);
  await dropMongoDatabase(scaleUrls(servers, set).mongodbUrl);
  await dropIndex(servers.elasticsearchUrl, set.esIndex);
  const file = stateFile(set.consumers, set.heavy);
  if (existsSync(file)) unlinkSync(file);
}

/**
 * A Nest application context on the set, production adapters (TypeORM on PostgreSQL, Mongoose on FerretDB,
 * Elasticsearch); no Redis or RabbitMQ unless given, so in-process cache and transport.
 */
export async function openContext(
  servers: Servers,
  set: ScaleSet,
  extraEnv: Record<string, string> = {},
  options: CreditModuleOptions = {},
): Promise<INestApplicationContext> {
  const config = loadConfig({ ...scaleEnv(servers, set), REDIS_URL: '', RABBITMQ_URL: '', ...extraEnv });
  return NestFactory.createApplicationContext(CreditModule.forRoot(config, options), { logger: ['error', 'warn'] });
}

/**
 * FerretDB's look-up indexes (libs/adapters/mongodb/src/ferretdb-indexes.ts) on the set. The loader
 * makes them before the first read; this only reports (and makes them on a set loaded before they existed).
 */
export async function ensureFerretDbIndexes(servers: Servers, set: ScaleSet): Promise<string> {
  const pgUrl = ferretDbPostgresUrl({
    DATABASE_URL: servers.databaseUrl,
    FERRETDB_POSTGRESQL_URL: process.env.FERRETDB_POSTGRESQL_URL,
  });
  if (!pgUrl) return 'no FerretDB PostgreSQL URL';
  const { indexes, missing } = await ensureFerretDbLookupIndexes(pgUrl, set.mongoName);
  return `FerretDB GIN look-up indexes: ${indexes.length} of ${FERRETDB_LOOKUP_FIELDS.length}${missing.length ? ` (collections missing: ${missing.join(', ')})` : ''}`;
}

/** The kept set if complete, otherwise a new one loaded now; prints what it does. */
export async function openScaleSet(
  servers: Servers,
  consumers: number,
  heavy: number,
  fresh: boolean,
  chunk = 2000,
): Promise<{ set: ScaleSet; reused: boolean }> {
  const file = stateFile(consumers, heavy);
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as ScaleSet;
    if (kept.loaded && kept.layout === SCALE_LAYOUT && !fresh) {
      const count = await es(servers.elasticsearchUrl, 'GET', `/${kept.esIndex}/_count`);
      if (typeof count.count === 'number' && count.count >= totalEvents(consumers, heavy))
        return { set: kept, reused: true };
    }
    await dropScaleSet(servers, kept);
  }
  const stamp = Date.now();
  const today = new Date(stamp);
  const set: ScaleSet = {
    consumers,
    heavy,
    pgName: `credit_scale_${consumers}_${stamp}`,
    mongoName: `credit_scale_${consumers}_${stamp}`,
    esIndex: `bench-scale-${consumers}-h${heavy}-${stamp}`,
    keys: {
      DATA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CPF_LOOKUP_KEY: randomBytes(32).toString('base64'),
    },
    referenceDay: new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString(),
    createdAt: today.toISOString(),
    loaded: false,
    layout: SCALE_LAYOUT,
  };
  save(set);
  await createDatabase(servers.databaseUrl, set.pgName);
  await loadScaleSet(servers, set, chunk);
  return { set, reused: false };
}

async function loadScaleSet(servers: Servers, set: ScaleSet, chunk: number): Promise<void> {
  const started = Date.now();
  const app = await openContext(servers, set);
  try {
    await app.get(DataSource).runMigrations({ transaction: 'each' });
    // The collections exist now (the Mongoose module made them with their indexes); the GIN indexes go in before the
    // first read, or PostgreSQL may settle on a generic plan that scans (see ferretdb-indexes.ts).
    console.log(`  load: ${await ensureFerretDbIndexes(servers, set)}`);
    const consumers = app.get(ConsumerRepository) as TypeormConsumerRepository;
    const store = app.get(TransactionStore);
    const featuresModel = app.get<Model<RatingFeaturesDoc>>(getModelToken(RATING_FEATURES_MODEL));
    const ratingRepository = app.get(RatingRepository);
    const scorer = new WoeLogisticScorer();
    const today = Date.parse(set.referenceDay);
    const now = new Date(today + 12 * 3_600_000);
    const stage: Record<string, number> = {
      generate: 0,
      'A consumers (PostgreSQL)': 0,
      'B features+ratings (FerretDB)': 0,
      'C events (Elasticsearch)': 0,
    };
    const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      try {
        return await run();
      } finally {
        stage[name]! += (Date.now() - t) / 1000;
      }
    };
    let events = 0;
    let lastReport = Date.now();
    // The three servers are written in parallel, chunk after chunk.
    for (let from = 0, to = 0; from < set.consumers; from = to) {
      const t = Date.now();
      // At most `chunk` consumers and about 50,000 events per round (the heavy consumers have 1,000 each).
      let planned = 0;
      for (to = from; to < set.consumers && to - from < chunk && planned < 50_000; to++)
        planned += eventsFor(to, set.heavy);
      const generated = Array.from({ length: to - from }, (_, k) => generateConsumer(from + k, set.heavy, today));
      const domainConsumers = generated.map((g) => consumerFromInput(g.consumer, now));
      const domainFeatures = generated.map((g) => ratingFeaturesFromInput(g.features, now));
      const { valid, rejected } = validateEvents(
        generated.flatMap((g) => g.events),
        now,
      );
      if (rejected.length) throw new Error(`generated ${rejected.length} invalid events: ${rejected[0]!.reason}`);
      // The rating our scorer gives each consumer, from the same data (summary of its own events, in memory).
      const memory = new InMemoryTransactionStore();
      await memory.append(valid);
      const ratings: RatingWrite[] = [];
      for (let k = 0; k < generated.length; k++) {
        const summary = await memory.summarize(domainConsumers[k]!.cpf, now);
        const outcome = scorer.score(
          buildScoringFacts(domainConsumers[k]!, domainFeatures[k]!, scoringActivityOf(summary), now),
        );
        ratings.push(
          ratingWrite(
            Rating.create({ cpf: domainConsumers[k]!.cpf, ...outcome, generatedAt: now }),
            null,
            domainFeatures[k]!.props.updatedAt,
          ),
        );
      }
      stage.generate! += (Date.now() - t) / 1000;
      await Promise.all([
        timed('A consumers (PostgreSQL)', () => consumers.saveMany(domainConsumers)),
        timed('B features+ratings (FerretDB)', async () => {
          await featuresModel.insertMany(
            domainFeatures.map((f) => RatingFeaturesMongooseMapper.toPersistence(f)),
            { ordered: false, lean: true },
          );
          await ratingRepository.append(ratings);
        }),
        timed('C events (Elasticsearch)', async () => {
          for (let i = 0; i < valid.length; i += 5000)
            await store.append(valid.slice(i, i + 5000), { visibility: 'eventual' });
        }),
      ]);
      events += valid.length;
      if (Date.now() - lastReport > 10_000 || to === set.consumers) {
        lastReport = Date.now();
        const s = (Date.now() - started) / 1000;
        console.log(
          `  load: ${to.toLocaleString('en-US')} consumers, ${events.toLocaleString('en-US')} events in ${s.toFixed(0)} s (${Math.round(to / s)} consumers/s, ${Math.round(events / s)} events/s)`,
        );
      }
    }
    await es(servers.elasticsearchUrl, 'POST', `/${set.esIndex}/_refresh`);
    set.load = {
      seconds: (Date.now() - started) / 1000,
      events,
      perStage: Object.fromEntries(Object.entries(stage).map(([k, v]) => [k, Math.round(v)])),
    };
    set.loaded = true;
    save(set);
  } finally {
    await app.close();
  }
}
