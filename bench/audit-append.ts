/**
 * What one audit row costs PostgreSQL, and which part of the table's definition it comes from.
 * How it works: docs/benchmarks.md. Run: `npm run bench:audit -- --help`.
 */
import 'reflect-metadata';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditLogRow, AUDIT_MIGRATIONS, TypeormAuditLog } from '@app/adapters/postgres';
import { Cpf } from '../libs/shared-kernel/src';
import { cpfFromBase } from '../libs/testing/src';
import { parseArgs, runMain } from './lib/args';
import { fmt, fmtInt, table } from './lib/load';
import { cpuBreakdown } from './lib/processes';

const USAGE = `usage: npm run bench:audit -- [options]
  --rows N     rows appended per variant and round (default 100000)
  --rounds N   rounds; the variants are interleaved within each round (default 2)`;

interface Variant {
  name: string;
  /** SQL run on the freshly migrated table, in its schema. */
  alter: string[];
}

const DROP_FORMAT_CHECKS = `DO $$ DECLARE c record; BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'audit_log'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%~%'
  LOOP EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT %I', c.conname); END LOOP; END $$`;
const DROP_UNIQUE_HASH = `DO $$ DECLARE c record; BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'audit_log'::regclass AND contype = 'u'
  LOOP EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT %I', c.conname); END LOOP; END $$`;
const DROP_SUBJECT_INDEX = 'DROP INDEX audit_log_subject_idx';
/** The same formats as the migration's CHECKs, spelled with string functions instead of regular expressions. */
const digitsOnly = (x: string) => `translate(${x}, '0123456789', '') = ''`;
const codeOnly = (x: string) => `(char_length(${x}) > 0 AND translate(${x}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', '') = '')`;
const hexOnly = (x: string) => `(char_length(${x}) = 64 AND translate(${x}, '0123456789abcdef', '') = '')`;
const PLAIN_FORMAT_CHECKS = `ALTER TABLE audit_log
  ADD CHECK (char_length(cpf_masked) = 14 AND substr(cpf_masked, 1, 4) = '***.' AND substr(cpf_masked, 8, 1) = '.'
    AND substr(cpf_masked, 12, 3) = '-**' AND ${digitsOnly(`substr(cpf_masked, 5, 3) || substr(cpf_masked, 9, 3)`)}),
  ADD CHECK (NOT (char_length(cpf_hash) = 11 AND ${digitsOnly('cpf_hash')})),
  ADD CHECK (${codeOnly('action')}), ADD CHECK (${codeOnly('resource')}), ADD CHECK (${codeOnly('outcome')}),
  ADD CHECK (${hexOnly('prev_hash')}), ADD CHECK (${hexOnly('hash')})`;

const VARIANTS: Variant[] = [
  { name: 'as migrated', alter: [] },
  { name: 'format CHECKs without regular expressions', alter: [DROP_FORMAT_CHECKS, PLAIN_FORMAT_CHECKS] },
  { name: 'without format CHECKs', alter: [DROP_FORMAT_CHECKS] },
  { name: 'without format CHECKs, UNIQUE(hash)', alter: [DROP_FORMAT_CHECKS, DROP_UNIQUE_HASH] },
  {
    name: 'without format CHECKs, UNIQUE(hash), subject index',
    alter: [DROP_FORMAT_CHECKS, DROP_UNIQUE_HASH, DROP_SUBJECT_INDEX],
  },
];

interface Result {
  variant: string;
  rows: number;
  seconds: number;
  pgCpuMs: number;
  appenderCpuMs: number;
}

async function measure(url: string, variant: Variant, rows: number, cpfs: Cpf[]): Promise<Result> {
  const schema = `bench_audit_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const dataSource = await new DataSource({
    type: 'postgres',
    url,
    entities: [AuditLogRow],
    migrations: AUDIT_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    extra: { options: `-c search_path=${schema}`, max: 2 },
  }).initialize();
  try {
    await dataSource.runMigrations();
    for (const sql of variant.alter) await dataSource.query(sql);
    const key = randomBytes(32);
    const log = new TypeormAuditLog(dataSource, (digits) => createHmac('sha256', key).update(digits).digest('hex'), {
      maxBatch: 2000,
    });
    const sealed = Array.from({ length: rows }, (_, i) =>
      log.seal({
        clientId: 'bench-client',
        scope: 'analysis:read',
        purpose: 'CREDIT_GRANTING',
        cpf: cpfs[i % cpfs.length]!,
        action: 'READ',
        resource: 'ANALYSIS',
        outcome: 'SUCCESS',
        requestId: randomUUID(),
      }),
    );
    const meter = cpuBreakdown({});
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    // Arriving together, as journal entries do for the relay: the appender group-commits them in batches of 2,000.
    await Promise.all(sealed.map((entry) => log.recordSealed(entry)));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = meter();
    const used = process.cpuUsage(cpu0);
    const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM audit_log')) as [{ count: number }];
    if (count !== rows) throw new Error(`${variant.name}: ${count} rows stored for ${rows} appended`);
    return {
      variant: variant.name,
      rows,
      seconds,
      pgCpuMs: ((cpu.PostgreSQL ?? 0) / 100) * seconds * 1000,
      appenderCpuMs: (used.user + used.system) / 1000,
    };
  } finally {
    await dataSource.destroy();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

runMain(async () => {
  const opts = parseArgs({ rows: 100_000, rounds: 2 }, USAGE);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: source scripts/services/env.sh');
  const cpfs = Array.from({ length: 2_000 }, (_, i) => Cpf.parse(cpfFromBase(300_000_000 + i)));
  console.log(
    `audit-append benchmark: ${fmtInt(opts.rows)} rows per variant, ${opts.rounds} rounds, through TypeormAuditLog (batches of up to 2,000)`,
  );
  const results: Result[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    for (const variant of VARIANTS) {
      const r = await measure(url, variant, opts.rows, cpfs);
      results.push(r);
      console.log(
        `  round ${round} ${r.variant}: ${fmtInt(r.rows / r.seconds)} rows/s, PostgreSQL ${fmt((r.pgCpuMs * 1000) / r.rows, 1)} µs CPU per row, appender ${fmt((r.appenderCpuMs * 1000) / r.rows, 1)} µs`,
      );
    }
  }
  const rowsOf = (name: string) => results.filter((r) => r.variant === name);
  const range = (xs: number[]) => `${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)}`;
  console.log('\nPer row appended (ranges over the rounds):');
  console.log(
    table(
      ['table', 'rows/s', 'PostgreSQL µs CPU', 'appender µs CPU'],
      VARIANTS.map((v) => {
        const rs = rowsOf(v.name);
        return [
          v.name,
          range(rs.map((r) => r.rows / r.seconds)),
          range(rs.map((r) => (r.pgCpuMs * 1000) / r.rows)),
          range(rs.map((r) => (r.appenderCpuMs * 1000) / r.rows)),
        ];
      }),
    ),
  );
});
