import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { consumerFor, consumerRepositoryContract, requireEnv, uniqueCpf } from '../../../../testing/src/contracts';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';
import { CONSUMER_MIGRATIONS } from './migrations';
import { createPGlite, pgliteModule } from './pglite.driver';
import { TypeormConsumerRepository } from './typeorm-consumer.repository';

const entities = [ConsumerRow, DebtRow];

/** Each run gets its own schema, so the suite never depends on, or disturbs, what the database already holds. */
async function postgresInFreshSchema(url: string): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const schema = `it_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const dataSource = new DataSource({
    type: 'postgres', url, entities, migrations: CONSUMER_MIGRATIONS, migrationsTableName: 'schema_migrations', synchronize: false,
    extra: { options: `-c search_path=${schema}`, max: 4 },
  });
  await dataSource.initialize();
  return {
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

describe('TypeORM consumer repository on real PostgreSQL', () => {
  const url = requireEnv('DATABASE_URL');
  let pg: Awaited<ReturnType<typeof postgresInFreshSchema>>;

  beforeAll(async () => {
    pg = await postgresInFreshSchema(url);
  });
  afterAll(async () => {
    await pg?.drop();
  });

  it('migrates an empty schema, and a second run applies nothing', async () => {
    expect((await pg.dataSource.runMigrations()).map((m) => m.name)).toEqual(['CreateConsumerTables1764000000000']);
    expect(await pg.dataSource.runMigrations()).toEqual([]);
    const tables = await pg.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`);
    expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['consumers', 'debts', 'schema_migrations']);
  });

  it('refuses a second debt with the same id for the same consumer (what makes re-ingest idempotent)', async () => {
    const cpf = uniqueCpf();
    await new TypeormConsumerRepository(pg.dataSource).save(consumerFor(cpf, ['only']));
    await expect(
      pg.dataSource.query(`INSERT INTO debts (consumer_cpf, id, creditor, creditor_cnpj, amount_cents, due_date, status) VALUES ($1, 'only', 'X', '11222333000181', 1, '2026-01-01', 'OPEN')`, [cpf.value]),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('refuses malformed rows even from outside the application (CHECK constraints)', async () => {
    await expect(pg.dataSource.query(`INSERT INTO consumers (cpf, name, address, updated_at) VALUES ('abc', 'x', '{}', now())`)).rejects.toMatchObject({ code: '23514' });
  });

  it('rolls back a consumer save as a whole when its debts cannot be written', async () => {
    const cpf = uniqueCpf();
    const repo = new TypeormConsumerRepository(pg.dataSource);
    await repo.save(consumerFor(cpf, ['a'], 'Before'));
    await pg.dataSource.query(`ALTER TABLE debts ADD CONSTRAINT no_b CHECK (id <> 'b')`);
    try {
      await expect(repo.save(consumerFor(cpf, ['a', 'b'], 'After'))).rejects.toThrow();
    } finally {
      await pg.dataSource.query(`ALTER TABLE debts DROP CONSTRAINT no_b`);
    }
    const stored = await repo.findByCpf(cpf);
    expect(stored?.name).toBe('Before');
    expect(stored?.debts.map((d) => d.id)).toEqual(['a']);
  });

  describe('port contract', () => consumerRepositoryContract(() => new TypeormConsumerRepository(pg.dataSource)));
});

describe('TypeORM consumer repository on embedded PGlite', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', driver: pgliteModule(await createPGlite()), entities, migrations: CONSUMER_MIGRATIONS, migrationsRun: true, synchronize: false }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  describe('port contract', () => consumerRepositoryContract(() => new TypeormConsumerRepository(dataSource)));

  it('keeps concurrent transactions apart on the single PGlite session', async () => {
    const repo = new TypeormConsumerRepository(dataSource);
    const cpfs = Array.from({ length: 20 }, () => uniqueCpf());
    await Promise.all(cpfs.map((cpf, i) => repo.save(consumerFor(cpf, [`d${i}`, `e${i}`]))));
    const stored = await Promise.all(cpfs.map((cpf) => repo.findByCpf(cpf)));
    expect(stored.map((c) => c?.debts.length)).toEqual(cpfs.map(() => 2));
  });
});
