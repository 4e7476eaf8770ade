import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FieldCipher } from '@app/platform';
import { consumerFeedsContract, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { aDebt, NOW } from '@app/testing';
import { Address } from '@app/credit-domain';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';
import { CONSUMER_MIGRATIONS } from './migrations';
import { createPGlite, pgliteModule } from '../pglite.driver';
import { TypeormConsumerFeeds } from './typeorm-consumer-feeds';
import { TypeormConsumerRepository } from './typeorm-consumer.repository';

// Opening a database and running its migrations (PGlite compiles WASM) outlasts jest's 5 s on a busy machine.
jest.setTimeout(60_000);

const entities = [ConsumerRow, DebtRow];
const cipher = new FieldCipher([{ id: 'feeds-k1', key: randomBytes(32) }], randomBytes(32));
const address = Address.create({
  street: 'Rua da Bahia',
  number: '900',
  district: 'Centro',
  city: 'Belo Horizonte',
  state: 'MG',
  postalCode: '30160-011',
});

describe('TypeORM consumer feeds on real PostgreSQL', () => {
  const url = requireEnv('DATABASE_URL');
  const schema = `it_feeds_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  let admin: Client;
  let dataSource: DataSource;

  beforeAll(async () => {
    admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    dataSource = await new DataSource({
      type: 'postgres',
      url,
      entities,
      migrations: CONSUMER_MIGRATIONS,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      extra: { options: `-c search_path=${schema}`, max: 8 },
    }).initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  describe('port contract', () =>
    consumerFeedsContract(() => ({
      feeds: new TypeormConsumerFeeds(dataSource, cipher),
      consumers: new TypeormConsumerRepository(dataSource, cipher),
    })));

  it('keeps names and addresses encrypted: the raw row holds no clear text', async () => {
    const cpf = uniqueCpf();
    await new TypeormConsumerFeeds(dataSource, cipher).saveRecords(
      [{ cpf, name: 'Quitéria Vasconcelos Brandão', address }],
      NOW,
    );
    const [row] = await dataSource.query('SELECT * FROM consumers WHERE cpf_hash = $1', [cipher.lookupHash(cpf.value)]);
    expect(JSON.stringify(row)).not.toMatch(new RegExp(`Quitéria|Bahia|Belo Horizonte|${cpf.value}`));
  });

  it('serialises concurrent batches on one consumer: each sees what the one before wrote, none is lost', async () => {
    const feeds = new TypeormConsumerFeeds(dataSource, cipher);
    const cpf = uniqueCpf();
    await feeds.saveRecords([{ cpf, name: 'Concorrente Silva', address }], NOW);
    // Each batch counts the debts it finds held and writes the next number: only serialised batches count 0 to 9.
    const counts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        feeds.changeDebts(
          Array.from({ length: 10 }, (__, k) => ({ cpf, debtId: `n-${k}` })),
          (held) => {
            const seen = held.debts.size;
            return {
              writes: {
                upserts: [{ cpf, debt: aDebt({ id: `n-${seen}`, amountCents: 100 + i }) }],
                removals: [],
                touched: [cpf],
                at: NOW,
              },
              result: seen,
            };
          },
        ),
      ),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await new TypeormConsumerRepository(dataSource, cipher).findByCpf(cpf))!.debts).toHaveLength(10);
  });

  it('writes a thousand debts of a thousand consumers in one batch', async () => {
    const feeds = new TypeormConsumerFeeds(dataSource, cipher);
    const cpfs = Array.from({ length: 1000 }, () => uniqueCpf());
    await feeds.saveRecords(
      cpfs.map((cpf, i) => ({ cpf, name: `Consumidor ${i}`, address })),
      NOW,
    );
    const keys = cpfs.map((cpf) => ({ cpf, debtId: 'bulk' }));
    const held = await feeds.changeDebts(keys, (h) => ({
      writes: {
        upserts: cpfs.map((cpf) => ({ cpf, debt: aDebt({ id: 'bulk' }) })),
        removals: [],
        touched: cpfs,
        at: NOW,
      },
      result: h.consumers.size,
    }));
    expect(held).toBe(1000);
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM debts WHERE id = 'bulk'`);
    expect(count).toBe(1000);
  });
});

describe('TypeORM consumer feeds on embedded PGlite', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await new DataSource({
      type: 'postgres',
      driver: pgliteModule(await createPGlite()),
      entities,
      migrations: CONSUMER_MIGRATIONS,
      migrationsRun: true,
      synchronize: false,
    }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  describe('port contract', () =>
    consumerFeedsContract(() => ({
      feeds: new TypeormConsumerFeeds(dataSource, cipher),
      consumers: new TypeormConsumerRepository(dataSource, cipher),
    })));
});
