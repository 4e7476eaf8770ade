import { Cpf } from '@app/shared-kernel';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FieldCipher } from '@app/platform';
import { consumerFor, consumerRepositoryContract, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { Address, Consumer, Debt } from '@app/credit-domain';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';
import { CONSUMER_MIGRATIONS } from './migrations';
import { createPGlite, pgliteModule } from '../pglite.driver';
import { reencryptConsumers } from './reencrypt-consumers';
import { TypeormConsumerRepository } from './typeorm-consumer.repository';

// Opening a database and running its migrations (PGlite compiles WASM) outlasts jest's 5 s on a busy machine.
jest.setTimeout(60_000);

const entities = [ConsumerRow, DebtRow];

type Store = { dataSource: DataSource; drop: () => Promise<void> };

/** Fresh random keys for every run: nothing here depends on, or leaves behind, a real key. */
const dataKey = (id: string) => ({ id, key: randomBytes(32) });
const lookupKey = randomBytes(32);
const suiteCipher = new FieldCipher([dataKey('it-k1')], lookupKey);

/** Each run gets its own schema, so the suite never depends on, or disturbs, what the database already holds. */
async function postgresInFreshSchema(url: string): Promise<Store> {
  const schema = `it_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations: CONSUMER_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
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

async function pgliteStore(): Promise<Store> {
  const dataSource = await new DataSource({
    type: 'postgres',
    driver: pgliteModule(await createPGlite()),
    entities,
    migrations: CONSUMER_MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
  }).initialize();
  return { dataSource, drop: () => dataSource.destroy() };
}

/** A consumer whose personal data is easy to spot in a raw row: a name, a street and a city found nowhere else. */
function distinctiveConsumer(cpf: Cpf): Consumer {
  return Consumer.create({
    cpf,
    name: 'Zuleica Brandão Quintanilha',
    address: Address.create({
      street: 'Travessa Desembargador Xisto Bittencourt',
      number: '4321',
      complement: 'Bloco Quaresmeira',
      district: 'Jardim Ypiranga',
      city: 'Itaquaquecetuba',
      state: 'SP',
      postalCode: '08570-123',
    }),
    debts: consumerFor(cpf, ['d1', 'd2']).debts.slice(),
    updatedAt: new Date('2026-11-25T12:00:00.000Z'),
  });
}

/**
 * What every backend must show: personal data never in clear, rotation, and tokens bound to their row and column.
 * The rotation and AAD tests use a database of their own (a new schema, a new PGlite), so their counts are exact.
 */
function encryptionAtRest(current: () => DataSource, fresh: () => Promise<Store>): void {
  it('reads the raw row and finds no clear text', async () => {
    const cpf = uniqueCpf();
    const consumer = distinctiveConsumer(cpf);
    await new TypeormConsumerRepository(current(), suiteCipher).save(consumer);
    const consumers = await current().query(`SELECT * FROM consumers`);
    const debts = await current().query(`SELECT * FROM debts`);
    const cpfHash = suiteCipher.lookupHash(cpf.value);
    expect(consumers.find((r: { cpf_hash: string }) => r.cpf_hash === cpfHash)).toMatchObject({
      key_id: 'it-k1',
      cpf_enc: expect.stringMatching(/^v1\.it-k1\./),
    });
    expect(debts.filter((r: { consumer_cpf_hash: string }) => r.consumer_cpf_hash === cpfHash)).toHaveLength(2);
    expect(Object.keys(consumers[0]).sort()).toEqual([
      'address_enc',
      'cpf_enc',
      'cpf_hash',
      'created_at',
      'demo',
      'key_id',
      'name_enc',
      'updated_at',
    ]);

    const raw = JSON.stringify({ consumers, debts });
    const clear = [
      cpf.value,
      cpf.formatted,
      consumer.name,
      'Zuleica',
      'Quintanilha',
      'Brandão',
      'Xisto Bittencourt',
      'Quaresmeira',
      'Ypiranga',
      'Itaquaquecetuba',
      '08570123',
    ];
    for (const text of clear) expect(raw).not.toContain(text);
    expect((await new TypeormConsumerRepository(current(), suiteCipher).findByCpf(cpf))?.address.toJSON()).toEqual(
      consumer.address.toJSON(),
    );
  });

  it('rotates keys: old rows stay readable, re-encryption moves them to the new key, then the old key can go', async () => {
    const store = await fresh();
    try {
      const k1 = dataKey('k1');
      const k2 = dataKey('k2');
      const cpfs = Array.from({ length: 5 }, () => uniqueCpf());
      await new TypeormConsumerRepository(store.dataSource, new FieldCipher([k1], lookupKey)).saveMany(
        cpfs.map((cpf, i) => consumerFor(cpf, [`r${i}`], `Pessoa ${i}`)),
      );

      const rotated = new FieldCipher([k2, k1], lookupKey);
      expect((await new TypeormConsumerRepository(store.dataSource, rotated).findByCpf(cpfs[0]))?.name).toBe(
        'Pessoa 0',
      );
      await new TypeormConsumerRepository(store.dataSource, rotated).save(
        consumerFor(cpfs[1], ['r1'], 'Pessoa 1 nova'),
      );

      const pages: number[] = [];
      const result = await reencryptConsumers(store.dataSource, rotated, {
        pageSize: 2,
        onPage: (p) => pages.push(p.stale),
      });
      expect(result).toEqual({ stale: 4, reencrypted: 4, skipped: 0, failed: 0, byKeyId: { k1: 4 }, failures: [] });
      expect(pages).toEqual([2, 4]);
      const keyIds = await store.dataSource.query(`SELECT DISTINCT key_id FROM consumers`);
      expect(keyIds).toEqual([{ key_id: 'k2' }]);
      expect(await reencryptConsumers(store.dataSource, rotated)).toMatchObject({ stale: 0, reencrypted: 0 });

      const onlyK2 = new TypeormConsumerRepository(store.dataSource, new FieldCipher([k2], lookupKey));
      const stored = await Promise.all(cpfs.map((cpf) => onlyK2.findByCpf(cpf)));
      expect(stored.map((c) => c?.name)).toEqual(['Pessoa 0', 'Pessoa 1 nova', 'Pessoa 2', 'Pessoa 3', 'Pessoa 4']);
      expect(stored.map((c) => c?.debts.length)).toEqual([1, 1, 1, 1, 1]);
      expect(stored[2]?.updatedAt.toISOString()).toBe('2026-11-25T12:00:00.000Z');

      const withoutK2 = new TypeormConsumerRepository(store.dataSource, new FieldCipher([k1], lookupKey));
      await expect(withoutK2.findByCpf(cpfs[0])).rejects.toThrow(/no data encryption key with id "k2"/);
    } finally {
      await store.drop();
    }
  }, 60_000);

  it('refuses a ciphertext moved to another row or another column (AAD binding), and re-encryption reports it', async () => {
    const store = await fresh();
    try {
      const k1 = dataKey('k1');
      const repo = new TypeormConsumerRepository(store.dataSource, new FieldCipher([k1], lookupKey));
      const [a, b, c] = [uniqueCpf(), uniqueCpf(), uniqueCpf()];
      await repo.save(consumerFor(a, ['x'], 'Alice Alvarenga'));
      await repo.save(consumerFor(b, ['y'], 'Bruno Bittencourt'));
      await repo.save(consumerFor(c, ['z'], 'Carla Cavalcanti'));
      const [hashA, hashB, hashC] = [a, b, c].map((cpf) => suiteCipher.lookupHash(cpf.value));

      // Bruno's row gets Alice's name token: same key, valid token, wrong row.
      await store.dataSource.query(
        `UPDATE consumers SET name_enc = (SELECT name_enc FROM consumers WHERE cpf_hash = $1) WHERE cpf_hash = $2`,
        [hashA, hashB],
      );
      await expect(repo.findByCpf(b)).rejects.toThrow(/failed authentication/);
      // Carla's own name token moved to her address column: right row, wrong column.
      await store.dataSource.query(`UPDATE consumers SET address_enc = name_enc WHERE cpf_hash = $1`, [hashC]);
      await expect(repo.findByCpf(c)).rejects.toThrow(/failed authentication/);
      expect((await repo.findByCpf(a))?.name).toBe('Alice Alvarenga');

      const result = await reencryptConsumers(store.dataSource, new FieldCipher([dataKey('k2'), k1], lookupKey));
      expect(result).toMatchObject({ stale: 3, reencrypted: 1, failed: 2, byKeyId: { k1: 3 } });
      expect(result.failures.map((f) => f.cpfHash).sort()).toEqual([hashB, hashC].sort());
      expect(JSON.stringify(result)).not.toMatch(/Alice|Bruno|Carla/);
    } finally {
      await store.drop();
    }
  }, 60_000);

  it('refuses clear text, or a key_id that does not match the tokens, even from outside the application', async () => {
    const hash = 'a'.repeat(64);
    const token = suiteCipher.encrypt('x', 'anything');
    const insert = (cpfEnc: string, nameEnc: string, keyId: string) =>
      current().query(
        `INSERT INTO consumers (cpf_hash, cpf_enc, name_enc, address_enc, key_id, updated_at) VALUES ($1, $2, $3, $4, $5, now())`,
        [hash, cpfEnc, nameEnc, token, keyId],
      );
    await expect(insert(token, 'Zuleica Brandão', 'it-k1')).rejects.toMatchObject({ code: '23514' });
    await expect(insert(token, token, 'other')).rejects.toMatchObject({ code: '23514' });
  });
}

describe('TypeORM consumer repository on real PostgreSQL', () => {
  const url = requireEnv('DATABASE_URL');
  let pg: Store;

  beforeAll(async () => {
    pg = await postgresInFreshSchema(url);
  });
  afterAll(async () => {
    await pg?.drop();
  });

  it('migrates an empty schema, and a second run applies nothing', async () => {
    expect((await pg.dataSource.runMigrations()).map((m) => m.name)).toEqual([
      'CreateConsumerTables1764000000000',
      'CreditorCnpjFormat1796410000000',
      'ConsumerDemoMark1796410000100',
      'DebtNoticeAndSource1796500000000',
    ]);
    expect(await pg.dataSource.runMigrations()).toEqual([]);
    const tables = await pg.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
    );
    expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual([
      'consumers',
      'debts',
      'schema_migrations',
    ]);
  });

  it('refuses a second debt with the same id for the same consumer (what makes re-ingest idempotent)', async () => {
    const cpf = uniqueCpf();
    await new TypeormConsumerRepository(pg.dataSource, suiteCipher).save(consumerFor(cpf, ['only']));
    await expect(
      pg.dataSource.query(
        `INSERT INTO debts (consumer_cpf_hash, id, creditor, creditor_cnpj, amount_cents, due_date, status) VALUES ($1, 'only', 'X', '11222333000181', 1, '2026-01-01', 'OPEN')`,
        [suiteCipher.lookupHash(cpf.value)],
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('refuses malformed rows even from outside the application (CHECK constraints)', async () => {
    const token = suiteCipher.encrypt('x', 'anything');
    await expect(
      pg.dataSource.query(
        `INSERT INTO consumers (cpf_hash, cpf_enc, name_enc, address_enc, key_id, updated_at) VALUES ('abc', $1, $1, $1, 'it-k1', now())`,
        [token],
      ),
    ).rejects.toMatchObject({ code: '23514' });
    const cpf = uniqueCpf();
    await new TypeormConsumerRepository(pg.dataSource, suiteCipher).save(consumerFor(cpf, []));
    await expect(
      pg.dataSource.query(
        `INSERT INTO debts (consumer_cpf_hash, id, creditor, creditor_cnpj, amount_cents, due_date, status) VALUES ($1, 'neg', 'X', '11222333000181', -1, '2026-01-01', 'OPEN')`,
        [suiteCipher.lookupHash(cpf.value)],
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('stores an alphanumeric creditor CNPJ as it stores a numeric one, and reads it back', async () => {
    const cpf = uniqueCpf();
    const repo = new TypeormConsumerRepository(pg.dataSource, suiteCipher);
    const base = consumerFor(cpf, ['num', 'alnum']);
    const debts = base.debts.map((d, i) =>
      Debt.create({
        ...d.props,
        amountCents: d.props.amount.cents,
        creditorCnpj: i === 0 ? '11.222.333/0001-81' : '12.abc.345/01de-35',
      }),
    );
    await repo.save(Consumer.create({ cpf, name: base.name, address: base.address, debts, updatedAt: base.updatedAt }));
    expect((await repo.findByCpf(cpf))?.debts.map((d) => d.props.creditorCnpj).sort()).toEqual([
      '11222333000181',
      '12ABC34501DE35',
    ]);
  });

  it('refuses a creditor CNPJ that is not 12 upper-case letters or digits and 2 digits (CHECK constraint)', async () => {
    const cpf = uniqueCpf();
    await new TypeormConsumerRepository(pg.dataSource, suiteCipher).save(consumerFor(cpf, []));
    const insert = (cnpj: string) =>
      pg.dataSource.query(
        `INSERT INTO debts (consumer_cpf_hash, id, creditor, creditor_cnpj, amount_cents, due_date, status) VALUES ($1, $2, 'X', $3, 1, '2026-01-01', 'OPEN')`,
        [suiteCipher.lookupHash(cpf.value), `d-${cnpj.replace(/\W/g, '')}`, cnpj],
      );
    for (const bad of ['12abc34501de35', '12ABC34501DE3A', '1.222.333/0001', '1122233300018'])
      await expect(insert(bad)).rejects.toMatchObject({ code: '23514' });
    await expect(insert('12ABC34501DE35')).resolves.toBeDefined();
  });

  it('marks consumers loaded as demo, and clears the mark when the consumer is written again', async () => {
    const [demo, real] = [uniqueCpf(), uniqueCpf()];
    const repo = new TypeormConsumerRepository(pg.dataSource, suiteCipher);
    await repo.saveMany([consumerFor(demo, ['demo-1']), consumerFor(real, ['real-1'])], { demo: true });
    await repo.save(consumerFor(real, ['real-1'], 'Written for real'));
    const marks = await pg.dataSource.query(`SELECT cpf_hash, demo FROM consumers WHERE cpf_hash = ANY($1)`, [
      [demo, real].map((c) => suiteCipher.lookupHash(c.value)),
    ]);
    expect(Object.fromEntries(marks.map((m: { cpf_hash: string; demo: boolean }) => [m.cpf_hash, m.demo]))).toEqual({
      [suiteCipher.lookupHash(demo.value)]: true,
      [suiteCipher.lookupHash(real.value)]: false,
    });
  });

  it('rolls back a consumer save as a whole when its debts cannot be written', async () => {
    const cpf = uniqueCpf();
    const repo = new TypeormConsumerRepository(pg.dataSource, suiteCipher);
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

  describe('port contract', () =>
    consumerRepositoryContract(() => new TypeormConsumerRepository(pg.dataSource, suiteCipher)));

  describe('encryption at rest', () =>
    encryptionAtRest(
      () => pg.dataSource,
      async () => {
        const store = await postgresInFreshSchema(url);
        await store.dataSource.runMigrations();
        return store;
      },
    ));
});

describe('TypeORM consumer repository on embedded PGlite', () => {
  let store: Store;
  beforeAll(async () => {
    store = await pgliteStore();
  });
  afterAll(async () => {
    await store?.drop();
  });

  describe('port contract', () =>
    consumerRepositoryContract(() => new TypeormConsumerRepository(store.dataSource, suiteCipher)));

  it('keeps concurrent transactions apart on the single PGlite session', async () => {
    const repo = new TypeormConsumerRepository(store.dataSource, suiteCipher);
    const cpfs = Array.from({ length: 20 }, () => uniqueCpf());
    await Promise.all(cpfs.map((cpf, i) => repo.save(consumerFor(cpf, [`d${i}`, `e${i}`]))));
    const stored = await Promise.all(cpfs.map((cpf) => repo.findByCpf(cpf)));
    expect(stored.map((c) => c?.debts.length)).toEqual(cpfs.map(() => 2));
  });

  describe('encryption at rest', () => encryptionAtRest(() => store.dataSource, pgliteStore));
});
