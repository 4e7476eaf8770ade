import { createHmac, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { verifyAuditChain } from '../../../../../scripts/audit-verify';
import { requireEnv, uniqueCpf } from '@app/testing/contracts';
import { AuditEntryInput } from '@app/credit-application';
import { createPGlite, pgliteModule } from '../pglite.driver';
import { AuditLogRow } from './audit-log.typeorm-entity';
import { AUDIT_MIGRATIONS } from './migrations';
import { parseAnchor } from './audit-anchor';
import { AuditAnchorLog } from './audit-anchor-log';
import { GENESIS_HASH, TypeormAuditLog, auditEntryHash } from './typeorm-audit-log';
import { FieldCipher } from '@app/platform';

// Opening a database and running its migrations (PGlite compiles WASM) outlasts jest's 5 s on a busy machine.
jest.setTimeout(60_000);

const entities = [AuditLogRow];
const lookupKey = randomBytes(32);
const hashCpf = (digits: string): string => createHmac('sha256', lookupKey).update(digits).digest('hex');

interface Database {
  dataSource: DataSource;
  /** Another DataSource on the same database, like a second API process; null where there can be only one (PGlite). */
  openAnother: (() => Promise<DataSource>) | null;
  /**
   * Back to an empty audit_log: closes the extra DataSources, then reverts and re-applies the migration (DROP TABLE is
   * what the triggers do not refuse).
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  /** A database with the audit migrations applied. */
  open(): Promise<Database>;
}

async function remigrate(dataSource: DataSource): Promise<void> {
  for (let i = 0; i < AUDIT_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
  await dataSource.runMigrations();
}

/** The suite's database is a new schema, so it never depends on, or disturbs, what the server already holds. */
function postgresBackend(): Backend {
  return {
    name: 'real PostgreSQL',
    async open() {
      const url = requireEnv('DATABASE_URL');
      const schema = `it_audit_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      const admin = new Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const connect = () =>
        new DataSource({
          type: 'postgres',
          url,
          entities,
          migrations: AUDIT_MIGRATIONS,
          migrationsTableName: 'schema_migrations',
          synchronize: false,
          extra: { options: `-c search_path=${schema}`, max: 8 },
        }).initialize();
      const dataSource = await connect();
      await dataSource.runMigrations();
      let others: DataSource[] = [];
      const closeOthers = async () => {
        await Promise.all(others.map((d) => d.destroy()));
        others = [];
      };
      return {
        dataSource,
        openAnother: async () => {
          const other = await connect();
          others.push(other);
          return other;
        },
        reset: async () => {
          await closeOthers();
          await remigrate(dataSource);
        },
        close: async () => {
          await closeOthers();
          await dataSource.destroy();
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  };
}

function pgliteBackend(): Backend {
  return {
    name: 'embedded PGlite',
    async open() {
      const dataSource = await new DataSource({
        type: 'postgres',
        driver: pgliteModule(await createPGlite()),
        entities,
        migrations: AUDIT_MIGRATIONS,
        migrationsTableName: 'schema_migrations',
        migrationsRun: true,
        synchronize: false,
      }).initialize();
      return { dataSource, openAnother: null, reset: () => remigrate(dataSource), close: () => dataSource.destroy() };
    },
  };
}

let counter = 0;
function entry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  counter += 1;
  return {
    clientId: 'Banco Horizonte',
    scope: 'consumer:read',
    purpose: 'CREDIT_GRANTING',
    cpf: null,
    action: 'READ',
    resource: 'CONSUMER',
    outcome: 'SUCCESS',
    requestId: `req-${counter}`,
    ...overrides,
  };
}

async function seqs(dataSource: DataSource): Promise<number[]> {
  return (await dataSource.query('SELECT seq::text AS seq FROM audit_log ORDER BY audit_log.seq')).map(
    (r: { seq: string }) => Number(r.seq),
  );
}

/** What an attacker with the table owner's rights can do: switch the append-only trigger off around a statement. */
async function asTableOwner(dataSource: DataSource, sql: string): Promise<void> {
  await dataSource.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
  try {
    await dataSource.query(sql);
  } finally {
    await dataSource.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function auditLogSuite(backend: Backend): void {
  let db: Database;
  let log: TypeormAuditLog;

  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db.reset();
    log = new TypeormAuditLog(db.dataSource, hashCpf);
  });

  async function chainOf(n: number, audit = log): Promise<void> {
    for (let i = 0; i < n; i++) {
      await audit.record(
        entry({
          cpf: i % 3 === 0 ? null : uniqueCpf(),
          purpose: i % 4 === 0 ? null : 'CREDIT_REVIEW',
          outcome: i % 5 === 0 ? 'DENIED' : 'SUCCESS',
        }),
      );
    }
  }

  it('migrates: audit_log with its append-only triggers; a second run applies nothing; it reverts', async () => {
    expect(await db.dataSource.runMigrations()).toEqual([]);
    expect(
      (await db.dataSource.query(`SELECT name FROM schema_migrations ORDER BY id`)).map(
        (m: { name: string }) => m.name,
      ),
    ).toEqual(['CreateAuditLog1764000000100', 'AddAuditDetail1764000000300', 'AddAuditIdempotencyKey1764000000400']);
    const triggers = await db.dataSource.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal ORDER BY 1`,
    );
    expect(triggers.map((t: { tgname: string }) => t.tgname)).toEqual([
      'audit_log_no_truncate',
      'audit_log_no_update_delete',
    ]);
  });

  it('verifies an empty chain as intact', async () => {
    expect(await log.verify()).toEqual({ ok: true, checked: 0, brokenAt: null, reason: null });
  });

  it('chains 50 entries from the genesis hash, and the chain verifies', async () => {
    await chainOf(50);
    expect(await log.verify()).toEqual({ ok: true, checked: 50, brokenAt: null, reason: null });
    const rows: { seq: string; prev_hash: string; hash: string; at: Date }[] = await db.dataSource.query(
      'SELECT seq::text AS seq, prev_hash, hash, at FROM audit_log ORDER BY audit_log.seq',
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(range(1, 50));
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    rows.slice(1).forEach((r, i) => expect(r.prev_hash).toBe(rows[i].hash));
    rows
      .slice(1)
      .forEach((r, i) => expect(new Date(r.at).getTime()).toBeGreaterThanOrEqual(new Date(rows[i].at).getTime()));
    const report = await verifyAuditChain(db.dataSource);
    expect(report).toMatchObject({ exitCode: 0, head: `50:${rows[49].hash}` });
    expect(report.message).toBe(`audit chain OK: 50 entries; head 50:${rows[49].hash}`);
  });

  it('hashes the canonical form of an entry: the stored hash can be recomputed from the stored fields alone', async () => {
    const cpf = uniqueCpf();
    await log.record(entry({ cpf, requestId: 'req-canonical' }));
    const [stored] = await log.forSubject(cpf, new Date(0), 1);
    expect(stored).toMatchObject({
      seq: 1,
      clientId: 'Banco Horizonte',
      scope: 'consumer:read',
      purpose: 'CREDIT_GRANTING',
      cpfMasked: cpf.masked,
      cpfHash: hashCpf(cpf.value),
      action: 'READ',
      resource: 'CONSUMER',
      outcome: 'SUCCESS',
      requestId: 'req-canonical',
      prevHash: GENESIS_HASH,
    });
    expect(stored.hash).toBe(auditEntryHash(GENESIS_HASH, { ...stored, detail: null }));
  });

  it('keeps the chain contiguous under 20 concurrent record() calls, on one instance and across instances', async () => {
    const shared = Array.from({ length: 20 }, (_, i) => entry({ requestId: `shared-${i}` }));
    const separate = Array.from({ length: 20 }, (_, i) => entry({ requestId: `separate-${i}` }));
    const another = db.openAnother ? await db.openAnother() : db.dataSource;
    await Promise.all([
      ...shared.map((e) => log.record(e)),
      ...separate.map((e, i) => new TypeormAuditLog(i % 2 ? another : db.dataSource, hashCpf).record(e)),
    ]);
    expect(await seqs(db.dataSource)).toEqual(range(1, 40));
    const requestIds = (await db.dataSource.query('SELECT request_id FROM audit_log'))
      .map((r: { request_id: string }) => r.request_id)
      .sort();
    expect(requestIds).toEqual([...shared, ...separate].map((e) => e.requestId).sort());
    expect(await log.verify()).toEqual({ ok: true, checked: 40, brokenAt: null, reason: null });
  });

  it('writes an act reported twice once: same key, client and subject; a key alone drops nothing', async () => {
    const [cpf, other] = [uniqueCpf(), uniqueCpf()];
    const act = (over: Partial<AuditEntryInput>) => entry({ cpf, idempotencyKey: 'inq-1', ...over });
    // Twice in one batch, then again in a transaction of its own.
    await Promise.all([log.record(act({ requestId: 'first' })), log.record(act({ requestId: 'same-batch' }))]);
    await log.record(act({ requestId: 'later' }));
    await log.record(act({ requestId: 'other-subject', cpf: other }));
    await log.record(act({ requestId: 'other-client', clientId: 'Outro Banco' }));
    await log.record(entry({ cpf, requestId: 'no-key' }));
    await log.record(entry({ cpf, requestId: 'no-key' }));
    const rows: { request_id: string; idempotency_key: string | null }[] = await db.dataSource.query(
      'SELECT request_id, idempotency_key FROM audit_log ORDER BY seq',
    );
    expect(rows.map((r) => r.request_id)).toEqual(['first', 'other-subject', 'other-client', 'no-key', 'no-key']);
    expect(rows.map((r) => r.idempotency_key)).toEqual(['inq-1', 'inq-1', 'inq-1', null, null]);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 5 });
  });

  it('refuses only the entry the database rejects when it was batched with others', async () => {
    const results = await Promise.allSettled([
      log.record(entry({ requestId: 'first' })),
      log.record(entry({ requestId: 'good-1' })),
      log.record(entry({ requestId: 'too-long', clientId: 'x'.repeat(500) })),
      log.record(entry({ requestId: 'good-2' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(
      (await db.dataSource.query('SELECT request_id FROM audit_log ORDER BY seq')).map(
        (r: { request_id: string }) => r.request_id,
      ),
    ).toEqual(['first', 'good-1', 'good-2']);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit_log in the database itself', async () => {
    await chainOf(3);
    await expect(db.dataSource.query(`UPDATE audit_log SET outcome = 'SUCCESS' WHERE seq = 2`)).rejects.toThrow(
      /audit_log is append-only: UPDATE refused/,
    );
    await expect(db.dataSource.query('DELETE FROM audit_log WHERE seq = 3')).rejects.toThrow(
      /audit_log is append-only: DELETE refused/,
    );
    await expect(db.dataSource.query('TRUNCATE audit_log')).rejects.toThrow(
      /audit_log is append-only: TRUNCATE refused/,
    );
    expect(await seqs(db.dataSource)).toEqual([1, 2, 3]);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it('detects an entry altered behind the trigger’s back, at that entry', async () => {
    await chainOf(30);
    await asTableOwner(
      db.dataSource,
      `UPDATE audit_log SET outcome = CASE outcome WHEN 'DENIED' THEN 'SUCCESS' ELSE 'DENIED' END WHERE seq = 17`,
    );
    const result = await log.verify();
    expect(result).toEqual({
      ok: false,
      checked: 16,
      brokenAt: 17,
      reason: expect.stringMatching(/hash does not match the entry content/),
    });
    const report = await verifyAuditChain(db.dataSource);
    expect(report.exitCode).toBe(1);
    expect(report.message).toMatch(/^audit chain BROKEN at seq 17: hash does not match/);
  });

  it('detects a deleted entry, at its seq', async () => {
    await chainOf(30);
    await asTableOwner(db.dataSource, 'DELETE FROM audit_log WHERE seq = 23');
    expect(await log.verify()).toEqual({
      ok: false,
      checked: 22,
      brokenAt: 23,
      reason: 'entry 23 is missing: the chain jumps from 22 to 24',
    });
    expect((await verifyAuditChain(db.dataSource)).message).toBe(
      'audit chain BROKEN at seq 23: entry 23 is missing: the chain jumps from 22 to 24',
    );
  });

  it('detects a deleted first entry', async () => {
    await chainOf(10);
    await asTableOwner(db.dataSource, 'DELETE FROM audit_log WHERE seq = 1');
    expect(await log.verify()).toEqual({
      ok: false,
      checked: 0,
      brokenAt: 1,
      reason: 'entry 1 is missing: the chain jumps from 0 to 2',
    });
  });

  it('detects a deleted run of entries, at the first of them', async () => {
    await chainOf(10);
    await asTableOwner(db.dataSource, 'DELETE FROM audit_log WHERE seq BETWEEN 4 AND 6');
    expect(await log.verify()).toEqual({
      ok: false,
      checked: 3,
      brokenAt: 4,
      reason: 'entries 4 to 6 are missing: the chain jumps from 3 to 7',
    });
  });

  it('detects an entry rewritten with a recomputed hash, at the next link', async () => {
    await chainOf(12);
    const stored = await storedFields(db.dataSource, 9);
    const forged = auditEntryHash(stored.prevHash, { ...stored, outcome: 'NOT_FOUND' });
    await asTableOwner(db.dataSource, `UPDATE audit_log SET outcome = 'NOT_FOUND', hash = '${forged}' WHERE seq = 9`);
    expect(await log.verify()).toEqual({
      ok: false,
      checked: 9,
      brokenAt: 10,
      reason: expect.stringMatching(/prev_hash does not match the hash of entry 9/),
    });
  });

  it('detects, against an anchor kept outside, entries deleted from the end of the chain', async () => {
    await chainOf(30);
    const { head } = await verifyAuditChain(db.dataSource);
    await asTableOwner(db.dataSource, 'DELETE FROM audit_log WHERE seq > 26');
    // Without the anchor, a shorter chain is still a valid chain.
    expect(await verifyAuditChain(db.dataSource)).toMatchObject({ exitCode: 0, head: expect.stringMatching(/^26:/) });
    const report = await verifyAuditChain(db.dataSource, [parseAnchor(head!)]);
    expect(report).toMatchObject({
      exitCode: 1,
      message: 'audit chain BROKEN against anchor 30: the chain ends at entry 26: entries were deleted from its end',
    });
  });

  it('detects, against an anchor, a chain rewritten with recomputed hashes from some entry on', async () => {
    await chainOf(12);
    const early = parseAnchor(`5:${(await storedFields(db.dataSource, 5)).hash}`);
    const { head } = await verifyAuditChain(db.dataSource);
    // The owner rewrites entries 9 to 12, recomputing each hash and link: the chain itself verifies again.
    let prevHash = (await storedFields(db.dataSource, 8)).hash;
    for (let seq = 9; seq <= 12; seq++) {
      const stored = await storedFields(db.dataSource, seq);
      const hash = auditEntryHash(prevHash, { ...stored, outcome: 'NOT_FOUND' });
      await asTableOwner(
        db.dataSource,
        `UPDATE audit_log SET outcome = 'NOT_FOUND', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${seq}`,
      );
      prevHash = hash;
    }
    expect(await log.verify()).toMatchObject({ ok: true, checked: 12 });
    expect(await verifyAuditChain(db.dataSource, [early])).toMatchObject({
      exitCode: 0,
      message: expect.stringMatching(/^audit chain OK: 12 entries, matching 1 anchor; head 12:/),
    });
    expect(await verifyAuditChain(db.dataSource, [early, parseAnchor(head!)])).toMatchObject({
      exitCode: 1,
      message:
        'audit chain BROKEN against anchor 12: entry 12 no longer has the anchored hash: the chain was rewritten at or before it',
    });
  });

  it('logs the chain head as an anchor token when it moved, and nothing when it did not', async () => {
    const anchors = new AuditAnchorLog(log, 60_000);
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      expect(await anchors.tick()).toBeNull(); // an empty chain has no head to anchor
      await chainOf(3);
      const first = await anchors.tick();
      expect(first).toBe((await verifyAuditChain(db.dataSource)).head);
      expect(await anchors.tick()).toBeNull();
      await chainOf(2);
      const second = await anchors.tick();
      expect(second).toMatch(/^5:[0-9a-f]{64}$/);
      expect(logged.mock.calls.map(([line]) => line)).toEqual([
        expect.stringContaining(`audit chain head ${first} `),
        expect.stringContaining(`npm run audit:verify -- --anchor ${second}`),
      ]);
      expect(await verifyAuditChain(db.dataSource, [parseAnchor(first!), parseAnchor(second!)])).toMatchObject({
        exitCode: 0,
      });
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses a malformed anchor, naming the expected form', () => {
    expect(() => parseAnchor('12:abc')).toThrow(/<seq>:<64 hex digits of its hash>/);
    expect(parseAnchor(` 7:${'a'.repeat(64)} `)).toEqual({ seq: 7, hash: 'a'.repeat(64) });
  });

  it('detects a timestamp moved by less than a millisecond', async () => {
    await chainOf(5);
    // The CHECK on millisecond precision holds even with the triggers off: the owner has to drop it first.
    await expect(
      asTableOwner(db.dataSource, `UPDATE audit_log SET at = at + interval '1 microsecond' WHERE seq = 4`),
    ).rejects.toMatchObject({ code: '23514' });
    await db.dataSource.query('ALTER TABLE audit_log DROP CONSTRAINT audit_log_at_check');
    await asTableOwner(db.dataSource, `UPDATE audit_log SET at = at + interval '1 microsecond' WHERE seq = 4`);
    expect(await log.verify()).toMatchObject({
      ok: false,
      brokenAt: 4,
      reason: expect.stringMatching(/timestamp was altered/),
    });
  });

  it('verifies across page boundaries and reports a break on the first entry of a page', async () => {
    await chainOf(22);
    const paged = new TypeormAuditLog(db.dataSource, hashCpf, { pageSize: 7 });
    expect(await paged.verify()).toEqual({ ok: true, checked: 22, brokenAt: null, reason: null });
    await asTableOwner(db.dataSource, 'DELETE FROM audit_log WHERE seq = 8');
    expect(await paged.verify()).toMatchObject({ ok: false, checked: 7, brokenAt: 8 });
  });

  it('finds a data subject’s entries newest first by keyed hash, and never stores the clear CPF', async () => {
    const subject = uniqueCpf();
    const other = uniqueCpf();
    for (const [cpf, requestId] of [
      [subject, 's1'],
      [other, 'o1'],
      [null, 'n1'],
      [subject, 's2'],
      [other, 'o2'],
      [subject, 's3'],
    ] as const) {
      await log.record(entry({ cpf, requestId }));
    }
    const found = await log.forSubject(subject, new Date(0), 10);
    expect(found.map((e) => e.requestId)).toEqual(['s3', 's2', 's1']);
    expect(found.map((e) => e.seq)).toEqual([6, 4, 1]);
    expect(found.every((e) => e.cpfMasked === subject.masked && e.cpfHash === hashCpf(subject.value))).toBe(true);
    expect((await log.forSubject(subject, new Date(0), 2)).map((e) => e.requestId)).toEqual(['s3', 's2']);
    expect(await log.forSubject(subject, new Date(Date.now() + 3_600_000), 10)).toEqual([]);
    expect(await log.forSubject(subject, new Date(0), 0)).toEqual([]);
    const since = found[1].at;
    const recent = await log.forSubject(subject, since, 10);
    expect(recent.map((e) => e.requestId)).toEqual(expect.arrayContaining(['s3', 's2']));
    expect(recent.every((e) => e.at.getTime() >= since.getTime())).toBe(true);

    const raw: Record<string, unknown>[] = await db.dataSource.query('SELECT * FROM audit_log');
    expect(raw).toHaveLength(6);
    for (const row of raw) {
      for (const [column, value] of Object.entries(row)) {
        const text = value instanceof Date ? value.toISOString() : String(value);
        expect(text).not.toContain(subject.value);
        expect(text).not.toContain(other.value);
        // Hex hashes can hold 11 decimal digits in a row by chance; every other column must not.
        if (!['hash', 'prev_hash', 'cpf_hash'].includes(column)) expect(text).not.toMatch(/\d{11}/);
      }
    }
  });

  describe('details of a write (a correction: reason, before, after)', () => {
    const cipher = FieldCipher.ephemeral();
    const detail = {
      kind: 'CORRECTION',
      field: 'name',
      reason: 'nome com erro de digitação',
      before: 'Maria da Silva Santo',
      after: 'Maria da Silva Santos',
    };

    it(
      "keeps the detail encrypted in the table, readable through the log, and covered by the entry's" + ' hash',
      async () => {
        const cpf = uniqueCpf();
        const withCipher = new TypeormAuditLog(db.dataSource, hashCpf, { detailCipher: cipher });
        await withCipher.record(entry({ requestId: 'plain' }));
        await withCipher.record(entry({ cpf, action: 'WRITE', requestId: 'fix', detail }));
        const [raw] = await db.dataSource.query(`SELECT detail FROM audit_log WHERE request_id = 'fix'`);
        expect(raw.detail).toMatch(/^v1\./);
        expect(raw.detail).not.toContain('Santos');
        expect(raw.detail).not.toContain(cpf.value);
        expect((await withCipher.forSubject(cpf, new Date(0), 1))[0]).toMatchObject({ requestId: 'fix', detail });
        expect(await withCipher.verify()).toEqual({ ok: true, checked: 2, brokenAt: null, reason: null });
        const other = cipher.encrypt(
          JSON.stringify({ ...detail, reason: 'something else' }),
          `audit_log.detail:${hashCpf(cpf.value)}`,
        );
        await asTableOwner(db.dataSource, `UPDATE audit_log SET detail = '${other}' WHERE seq = 2`);
        expect(await withCipher.verify()).toMatchObject({ ok: false, brokenAt: 2 });
      },
    );

    it('refuses to record a detail it could only store in clear', async () => {
      expect(() => log.seal(entry({ detail }))).toThrow(/no cipher/);
    });
  });

  it("pages a subject's entries of one kind with a cursor, so engine writes never crowd out the reads", async () => {
    const subject = uniqueCpf();
    for (let i = 0; i < 12; i++) {
      await log.record(entry({ cpf: subject, requestId: `read-${i}` }));
      for (let w = 0; w < 3; w++)
        await log.record(
          entry({
            cpf: subject,
            clientId: 'rating-engine',
            action: 'WRITE',
            resource: 'RATING',
            requestId: `w-${i}-${w}`,
          }),
        );
      if (i % 4 === 0) await log.record(entry({ cpf: subject, outcome: 'DENIED', requestId: `denied-${i}` }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await log.forSubjectPage(subject, {
        since: new Date(0),
        actions: ['READ'],
        outcomes: ['SUCCESS'],
        limit: 5,
        cursor,
      });
      seen.push(...page.entries.map((e) => e.requestId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(
      range(0, 11)
        .reverse()
        .map((i) => `read-${i}`),
    );
    await expect(
      log.forSubjectPage(subject, { since: new Date(0), limit: 5, cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'CURSOR_INVALID' });
  });

  it('reports the appends per second it sustains (logged, not asserted)', async () => {
    const sequential = 200;
    const concurrent = 2000;
    let start = performance.now();
    for (let i = 0; i < sequential; i++) await log.record(entry({ cpf: uniqueCpf() }));
    const sequentialRate = sequential / ((performance.now() - start) / 1000);
    start = performance.now();
    await Promise.all(Array.from({ length: concurrent }, () => log.record(entry({ cpf: uniqueCpf() }))));
    const concurrentRate = concurrent / ((performance.now() - start) / 1000);
    const instances = Array.from({ length: 8 }, () => new TypeormAuditLog(db.dataSource, hashCpf, { maxBatch: 1 }));
    start = performance.now();
    await Promise.all(Array.from({ length: 400 }, (_, i) => instances[i % 8].record(entry({ cpf: uniqueCpf() }))));
    const unbatchedRate = 400 / ((performance.now() - start) / 1000);
    start = performance.now();
    const verification = await log.verify();
    const verifyRate = verification.checked / ((performance.now() - start) / 1000);
    expect(verification).toMatchObject({ ok: true, checked: sequential + concurrent + 400 });
    console.log(
      `[audit bench, ${backend.name}] record(): ${sequentialRate.toFixed(0)} appends/s awaited one by one; ` +
        `${concurrentRate.toFixed(0)} appends/s with ${concurrent} concurrent calls (group commit); ` +
        `${unbatchedRate.toFixed(0)} appends/s from 8 concurrent unbatched appenders (lock contention); verify(): ${verifyRate.toFixed(0)} entries/s`,
    );
  }, 120_000);
}

/** An entry's stored fields, read straight from the table, as an attacker recomputing its hash would. */
async function storedFields(dataSource: DataSource, seq: number) {
  const [r] = await dataSource.query(
    `SELECT (extract(epoch FROM at) * 1000)::bigint::text AS at_ms, client_id, scope, purpose, cpf_masked, cpf_hash, action, resource, outcome, request_id, prev_hash, hash
     FROM audit_log WHERE seq = $1`,
    [seq],
  );
  return {
    seq,
    at: new Date(Number(r.at_ms)),
    clientId: r.client_id,
    scope: r.scope,
    purpose: r.purpose,
    cpfMasked: r.cpf_masked,
    cpfHash: r.cpf_hash,
    action: r.action,
    resource: r.resource,
    outcome: r.outcome,
    requestId: r.request_id,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

describe('TypeORM audit log on real PostgreSQL', () => auditLogSuite(postgresBackend()));
describe('TypeORM audit log on embedded PGlite', () => auditLogSuite(pgliteBackend()));
