import { Cpf, ValidationError } from '@app/shared-kernel';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuditAction,
  AuditDetail,
  AuditEntry,
  AuditEntryInput,
  AuditLog,
  AuditOutcome,
  AuditPage,
  AuditResource,
  AuditVerification,
  SealedAuditEntry,
  SubjectAuditQuery,
} from '@app/credit-application';
import type { AuditAnchor } from './audit-anchor';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Key of the transaction-scoped advisory lock that serialises appenders across connections and processes ('auditlog' in
 * ASCII).
 */
const APPEND_LOCK_KEY = '7022629598041763687';

/** Everything the hash of an entry covers, besides the previous entry's hash. */
interface ChainedFields {
  seq: number;
  at: Date;
  clientId: string;
  scope: string;
  purpose: string | null;
  cpfMasked: string | null;
  cpfHash: string | null;
  action: string;
  resource: string;
  outcome: string;
  requestId: string;
  /** The encrypted detail, or null. */
  detail?: string | null;
}

/**
 * sha256 hex of the previous hash, a newline and the entry as JSON with its keys in this fixed order. Changing a field,
 * the order of entries or any earlier entry changes the result, so the stored hashes form a chain. `detail` is covered
 * only when an entry has one, so entries written before it existed keep their hashes.
 */
export function auditEntryHash(prevHash: string, f: ChainedFields): string {
  const canonical = JSON.stringify({
    seq: f.seq,
    at: f.at.toISOString(),
    clientId: f.clientId,
    scope: f.scope,
    purpose: f.purpose,
    cpfMasked: f.cpfMasked,
    cpfHash: f.cpfHash,
    action: f.action,
    resource: f.resource,
    outcome: f.outcome,
    requestId: f.requestId,
    ...(f.detail ? { detail: f.detail } : {}),
  });
  return createHash('sha256').update(`${prevHash}\n${canonical}`, 'utf8').digest('hex');
}

/**
 * Encrypts and decrypts an entry's detail (FieldCipher in the app) under a context naming the subject, so a detail
 * copied to another entry fails to decrypt. Keys that encrypted details must stay in the keyring to read them: the log
 * is append-only and is never re-encrypted.
 */
interface AuditDetailCipher {
  encrypt(plaintext: string, context: string): string;
  decrypt(token: string, context: string): string;
}

interface TypeormAuditLogOptions {
  /** Entries read per query by verify(). */
  pageSize?: number;
  /** Most entries written by one transaction when record() calls pile up. */
  maxBatch?: number;
  /** Required to record entries with a detail; without it such an entry is refused rather than stored in clear. */
  detailCipher?: AuditDetailCipher;
}

const detailContext = (cpfHash: string | null) => `audit_log.detail:${cpfHash ?? 'none'}`;

type Pending = {
  fields: Omit<ChainedFields, 'seq' | 'at'>;
  /** Not covered by the hash: it decides whether the entry is written, and is no part of what it records. */
  idempotencyKey: string | null;
  resolve: () => void;
  reject: (error: unknown) => void;
};

type Row = {
  seq: string;
  at_us: string;
  client_id: string;
  scope: string;
  purpose: string | null;
  cpf_masked: string | null;
  cpf_hash: string | null;
  action: string;
  resource: string;
  outcome: string;
  request_id: string;
  detail: string | null;
  prev_hash: string;
  hash: string;
};

/**
 * Read from `audit_log a`. Timestamps leave the database as integer microseconds and seq as text, so no driver's
 * parser can round or reinterpret them. (ORDER BY must name a.seq: a bare `seq` would sort the text alias.)
 */
const COLUMNS = `a.seq::text AS seq, (extract(epoch FROM a.at) * 1000000)::bigint::text AS at_us, a.client_id, a.scope, a.purpose, a.cpf_masked,
  a.cpf_hash, a.action, a.resource, a.outcome, a.request_id, a.detail, a.prev_hash, a.hash`;

/** $1 is the batch's timestamp; $2..$15 are one array per column, in this order. */
const INSERT_ENTRIES = `
  INSERT INTO audit_log
    (seq, at, client_id, scope, purpose, cpf_masked, cpf_hash, action, resource, outcome, request_id, detail,
     prev_hash, hash, idempotency_key)
  SELECT u.seq, $1::timestamptz, u.client_id, u.scope, u.purpose, u.cpf_masked, u.cpf_hash, u.action, u.resource,
    u.outcome, u.request_id, u.detail, u.prev_hash, u.hash, u.idempotency_key
  FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
    AS u(seq, client_id, scope, purpose, cpf_masked, cpf_hash, action, resource, outcome, request_id, detail,
      prev_hash, hash, idempotency_key)`;

/** The entries among the keys ($1) the log holds already, with the client and subject each names. */
const KEYS_HELD = `
  SELECT idempotency_key, client_id, cpf_hash FROM audit_log WHERE idempotency_key = ANY($1::text[])`;

/** An act is the same one when its key, its client and its subject all match: a key alone is no licence to drop. */
const actOf = (key: string, f: { clientId: string; cpfHash: string | null }) => `${key}\n${f.clientId}\n${f.cpfHash}`;

/**
 * The chain head and the database clock, read after the lock is held (clock_timestamp, not the transaction's now()).
 */
const HEAD = `
  SELECT h.seq::text AS seq, h.hash AS hash, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now
  FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT a.seq, a.hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1) AS h ON true`;

const MIN_BIGINT = '-9223372036854775808';

/**
 * Data and constraint errors (SQLSTATE classes 22 and 23) belong to one entry; anything else may concern the whole
 * batch.
 */
const isEntryError = (error: unknown): boolean => /^2[23]/.test(String((error as { code?: unknown })?.code ?? ''));

function fieldsOf(row: Row): ChainedFields {
  return {
    seq: Number(row.seq),
    at: new Date(Number(BigInt(row.at_us) / 1000n)),
    clientId: row.client_id,
    scope: row.scope,
    purpose: row.purpose,
    cpfMasked: row.cpf_masked,
    cpfHash: row.cpf_hash,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome,
    requestId: row.request_id,
    detail: row.detail,
  };
}

/** A page position: the last entry's time (milliseconds, what the log stores) and seq. */
function encodeAuditCursor(row: Row): string {
  return Buffer.from(JSON.stringify([fieldsOf(row).at.toISOString(), row.seq])).toString('base64url');
}

function decodeAuditCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2) {
      const [at, seq] = value as unknown[];
      const valid = typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof seq === 'string';
      if (valid && /^\d{1,19}$/.test(seq)) {
        return [new Date(at).toISOString(), seq];
      }
    }
  } catch {
    // falls through to the validation error below
  }
  throw new ValidationError('CURSOR_INVALID', 'cursor', 'is not a cursor returned by this API');
}

/**
 * The audit log in the relational store (PostgreSQL or PGlite), as a hash chain in table `audit_log`.
 *
 * Appends run in one transaction holding `pg_advisory_xact_lock`, so appenders in every process take turns: each reads
 * the head (seq, hash) the previous one committed and links to it. Calls that arrive while this instance is writing
 * are written together by its next transaction (group commit), so concurrent requests do not queue for a commit each.
 */
export class TypeormAuditLog extends AuditLog {
  private readonly pageSize: number;
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  private draining = false;

  private readonly detailCipher?: AuditDetailCipher;

  constructor(
    private readonly dataSource: DataSource,
    private readonly hashCpf: (digits: string) => string,
    options: TypeormAuditLogOptions = {},
  ) {
    super();
    this.pageSize = Math.max(1, options.pageSize ?? 5000);
    this.maxBatch = Math.min(Math.max(1, options.maxBatch ?? 2000), 5000);
    this.detailCipher = options.detailCipher;
  }

  seal(entry: AuditEntryInput): SealedAuditEntry {
    const { cpf, detail } = entry;
    const cpfHash = cpf ? this.hashCpf(cpf.value) : null;
    // Field by field, not a spread of the rest: sealing is on the cached read's path, and V8 kept each spread copy
    // in the old generation (docs/implementation-notes.md).
    const sealed: SealedAuditEntry = {
      clientId: entry.clientId,
      scope: entry.scope,
      purpose: entry.purpose,
      action: entry.action,
      resource: entry.resource,
      outcome: entry.outcome,
      requestId: entry.requestId,
      cpfMasked: cpf ? cpf.masked : null,
      cpfHash,
    };
    if (entry.idempotencyKey !== undefined) sealed.idempotencyKey = entry.idempotencyKey;
    if (detail) {
      if (!this.detailCipher) {
        throw new Error('this audit log has no cipher for entry details; refusing to store one in clear');
      }
      sealed.detail = this.detailCipher.encrypt(JSON.stringify(detail), detailContext(cpfHash));
    }
    return sealed;
  }

  recordSealed(entry: SealedAuditEntry): Promise<void> {
    const fields = {
      clientId: entry.clientId,
      scope: entry.scope,
      purpose: entry.purpose,
      cpfMasked: entry.cpfMasked,
      cpfHash: entry.cpfHash,
      action: entry.action,
      resource: entry.resource,
      outcome: entry.outcome,
      requestId: entry.requestId,
      detail: entry.detail ?? null,
    };
    const idempotencyKey = entry.idempotencyKey ?? null;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ fields, idempotencyKey, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  async forSubject(cpf: Cpf, since: Date, limit: number): Promise<AuditEntry[]> {
    const take = Math.floor(limit);
    if (!(take > 0)) return [];
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM audit_log a WHERE a.cpf_hash = $1 AND a.at >= $2::timestamptz ORDER BY a.at DESC, a.seq DESC LIMIT $3`,
      [this.hashCpf(cpf.value), since.toISOString(), take],
    );
    return rows.map((row) => this.toEntry(row));
  }

  async forSubjectPage(cpf: Cpf, query: SubjectAuditQuery): Promise<AuditPage> {
    const take = Math.floor(query.limit);
    if (!(take > 0)) return { entries: [], nextCursor: null };
    const [at, seq] = query.cursor ? decodeAuditCursor(query.cursor) : [null, null];
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM audit_log a
       WHERE a.cpf_hash = $1 AND a.at >= $2::timestamptz
         AND ($3::text[] IS NULL OR a.action = ANY($3::text[])) AND ($4::text[] IS NULL OR a.outcome = ANY($4::text[]))
         AND ($5::timestamptz IS NULL OR (a.at, a.seq) < ($5::timestamptz, $6::bigint))
       ORDER BY a.at DESC, a.seq DESC LIMIT $7`,
      [
        this.hashCpf(cpf.value),
        query.since.toISOString(),
        query.actions ?? null,
        query.outcomes ?? null,
        at,
        seq,
        take + 1,
      ],
    );
    const page = rows.slice(0, take);
    const last = page[page.length - 1];
    const nextCursor = rows.length > take && last ? encodeAuditCursor(last) : null;
    return { entries: page.map((row) => this.toEntry(row)), nextCursor };
  }

  private toEntry(row: Row): AuditEntry {
    const f = fieldsOf(row);
    return {
      ...f,
      action: f.action as AuditAction,
      resource: f.resource as AuditResource,
      outcome: f.outcome as AuditOutcome,
      detail: this.reveal(row),
      prevHash: row.prev_hash,
      hash: row.hash,
    };
  }

  private reveal(row: Row): AuditDetail | null {
    if (!row.detail) return null;
    if (!this.detailCipher) throw new Error('this audit log has no cipher to read entry details');
    const context = detailContext(row.cpf_hash ? row.cpf_hash.trim() : null);
    return JSON.parse(this.detailCipher.decrypt(row.detail, context)) as AuditDetail;
  }

  /** The chain's last entry, what an anchor records; null while the chain is empty. */
  async head(): Promise<AuditAnchor | null> {
    const [row] = (await this.dataSource.query(
      'SELECT seq::text AS seq, hash FROM audit_log ORDER BY audit_log.seq DESC LIMIT 1',
    )) as { seq: string; hash: string }[];
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /**
   * Walks the chain in seq order, a page at a time, and stops at the first entry that is missing, does not link to its
   * predecessor or does not match its own hash. `checked` counts the entries found intact before that point.
   */
  async verify(): Promise<AuditVerification> {
    const broken = (checked: number, brokenAt: number, reason: string): AuditVerification => ({
      ok: false,
      checked,
      brokenAt,
      reason,
    });
    let prevHash = GENESIS_HASH;
    let expected = 1;
    let checked = 0;
    let after = MIN_BIGINT;
    for (;;) {
      const rows: Row[] = await this.dataSource.query(
        `SELECT ${COLUMNS} FROM audit_log a WHERE a.seq > $1::bigint ORDER BY a.seq LIMIT $2`,
        [after, this.pageSize],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq < expected) return broken(checked, seq, `entry ${seq} lies outside the chain, which starts at 1`);
        if (seq > expected) {
          const gap =
            seq === expected + 1 ? `entry ${expected} is missing` : `entries ${expected} to ${seq - 1} are missing`;
          return broken(checked, expected, `${gap}: the chain jumps from ${expected - 1} to ${seq}`);
        }
        if (row.prev_hash !== prevHash) {
          return broken(
            checked,
            seq,
            seq === 1
              ? 'prev_hash of the first entry is not the genesis hash'
              : `prev_hash does not match the hash of entry ${seq - 1}: an entry was rewritten or replaced`,
          );
        }
        if (BigInt(row.at_us) % 1000n !== 0n)
          return broken(
            checked,
            seq,
            'timestamp was altered: it holds sub-millisecond digits the appender never writes',
          );
        if (auditEntryHash(prevHash, fieldsOf(row)) !== row.hash)
          return broken(checked, seq, 'hash does not match the entry content: the entry was altered');
        prevHash = row.hash;
        expected += 1;
        checked += 1;
      }
      if (rows.length < this.pageSize) return { ok: true, checked, brokenAt: null, reason: null };
      after = rows[rows.length - 1].seq;
    }
  }

  /** Writes queued entries, one transaction per batch, until the queue is empty. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.append(batch);
          batch.forEach((p) => p.resolve());
        } catch (error) {
          if (batch.length === 1 || !isEntryError(error)) {
            batch.forEach((p) => p.reject(error));
            continue;
          }
          // One entry the database refuses must not cost the others their audit record: retry them one by one.
          for (const p of batch) {
            try {
              await this.append([p]);
              p.resolve();
            } catch (single) {
              p.reject(single);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async append(batch: Pending[]): Promise<void> {
    await this.dataSource.transaction(async (m: EntityManager) => {
      await m.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
      const [head]: { seq: string | null; hash: string | null; now: string }[] = await m.query(HEAD);
      let seq = head.seq === null ? 0 : Number(head.seq);
      let prevHash = head.hash ?? GENESIS_HASH;
      const at = new Date(head.now);
      const keys = batch.map((p) => p.idempotencyKey).filter((k): k is string => k !== null);
      const held = new Set<string>();
      if (keys.length > 0) {
        type Held = { idempotency_key: string; client_id: string; cpf_hash: string | null };
        for (const row of (await m.query(KEYS_HELD, [keys])) as Held[])
          held.add(actOf(row.idempotency_key, { clientId: row.client_id, cpfHash: row.cpf_hash?.trim() ?? null }));
      }
      // One array per column: the statement's text and parameter count stay the same whatever the batch size, so
      // PostgreSQL parses 14 parameters instead of 14 per entry.
      const columns: unknown[][] = Array.from({ length: 14 }, () => []);
      for (const { fields, idempotencyKey } of batch) {
        if (idempotencyKey !== null) {
          const act = actOf(idempotencyKey, fields);
          if (held.has(act)) continue;
          held.add(act);
        }
        seq += 1;
        const hash = auditEntryHash(prevHash, { seq, at, ...fields });
        const values = [
          seq,
          fields.clientId,
          fields.scope,
          fields.purpose,
          fields.cpfMasked,
          fields.cpfHash,
          fields.action,
          fields.resource,
          fields.outcome,
          fields.requestId,
          fields.detail ?? null,
          prevHash,
          hash,
          idempotencyKey,
        ];
        values.forEach((v, i) => columns[i].push(v));
        prevHash = hash;
      }
      if (columns[0]!.length > 0) await m.query(INSERT_ENTRIES, [at.toISOString(), ...columns]);
    });
  }
}
