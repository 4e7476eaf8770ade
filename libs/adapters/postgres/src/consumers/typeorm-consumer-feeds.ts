import { FieldCipher } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  ConsumerFeeds,
  ConsumerRecordWrite,
  DebtWrites,
  HeldConsumer,
  HeldDebts,
  debtKey,
} from '@app/credit-application';
import { AddressProps, Debt } from '@app/credit-domain';
import {
  DEBT_SQL_COLUMNS,
  DebtSqlRow,
  debtFromSqlRow,
  decryptConsumerFields,
  encryptConsumerFields,
} from './consumer.typeorm-mapper';

/** Locks the batch's consumers in one order (by cpf_hash), so two batches sharing consumers never deadlock. */
const LOCK_CONSUMERS = `
  SELECT cpf_hash, cpf_enc, name_enc, address_enc FROM consumers
  WHERE cpf_hash = ANY($1::bpchar[]) ORDER BY cpf_hash FOR NO KEY UPDATE`;

const READ_DEBTS = `
  SELECT d.consumer_cpf_hash, ${DEBT_SQL_COLUMNS}
  FROM debts d JOIN unnest($1::bpchar[], $2::varchar[]) AS k(h, id) ON d.consumer_cpf_hash = k.h AND d.id = k.id`;

/** One statement for every debt a batch writes, whatever their number: one array per column. */
const UPSERT_DEBTS = `
  INSERT INTO debts (consumer_cpf_hash, id, creditor, creditor_cnpj, amount_cents, due_date, status, limitation_date,
    reportable_from, reported_by)
  SELECT * FROM unnest($1::bpchar[], $2::varchar[], $3::varchar[], $4::bpchar[], $5::bigint[], $6::date[],
    $7::varchar[], $8::date[], $9::timestamptz[], $10::varchar[])
  ON CONFLICT (consumer_cpf_hash, id) DO UPDATE SET creditor = EXCLUDED.creditor,
    creditor_cnpj = EXCLUDED.creditor_cnpj,
    amount_cents = EXCLUDED.amount_cents, due_date = EXCLUDED.due_date, status = EXCLUDED.status,
    limitation_date = EXCLUDED.limitation_date, reportable_from = EXCLUDED.reportable_from,
    reported_by = EXCLUDED.reported_by`;

const DELETE_DEBTS = `
  DELETE FROM debts d USING unnest($1::bpchar[], $2::varchar[]) AS k(h, id)
  WHERE d.consumer_cpf_hash = k.h AND d.id = k.id`;

const TOUCH_CONSUMERS = 'UPDATE consumers SET updated_at = $2, demo = false WHERE cpf_hash = ANY($1::bpchar[])';

const UPSERT_CONSUMERS = `
  INSERT INTO consumers (cpf_hash, cpf_enc, name_enc, address_enc, key_id, updated_at, demo)
  SELECT u.h, u.c, u.n, u.a, u.k, $6::timestamptz, false
  FROM unnest($1::bpchar[], $2::text[], $3::text[], $4::text[], $5::varchar[]) AS u(h, c, n, a, k)
  ON CONFLICT (cpf_hash) DO UPDATE SET cpf_enc = EXCLUDED.cpf_enc, name_enc = EXCLUDED.name_enc,
    address_enc = EXCLUDED.address_enc, key_id = EXCLUDED.key_id, updated_at = EXCLUDED.updated_at, demo = false`;

type ConsumerLockRow = { cpf_hash: string; cpf_enc: string; name_enc: string; address_enc: string };
type DebtReadRow = DebtSqlRow & { consumer_cpf_hash: string };

/** The creditors' feeds in PostgreSQL (or PGlite): a batch is a few statements over arrays, in one transaction. */
@Injectable()
export class TypeormConsumerFeeds extends ConsumerFeeds {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
  ) {
    super();
  }

  async changeDebts<T>(
    keys: readonly { cpf: Cpf; debtId: string }[],
    decide: (held: HeldDebts) => { writes: DebtWrites; result: T },
  ): Promise<T> {
    const digitsByHash = new Map(keys.map((k) => [this.cipher.lookupHash(k.cpf.value), k.cpf]));
    const hashes = [...digitsByHash.keys()];
    return this.dataSource.transaction(async (tx) => {
      const consumers: ConsumerLockRow[] = hashes.length ? await tx.query(LOCK_CONSUMERS, [hashes]) : [];
      const debtRows: DebtReadRow[] = keys.length
        ? await tx.query(READ_DEBTS, [keys.map((k) => this.cipher.lookupHash(k.cpf.value)), keys.map((k) => k.debtId)])
        : [];
      const held: HeldDebts = { consumers: new Map(), debts: new Map() };
      for (const row of consumers) {
        const cpf = digitsByHash.get(row.cpf_hash.trim())!;
        held.consumers.set(cpf.value, this.heldConsumer(cpf, row));
      }
      for (const row of debtRows) {
        const cpf = digitsByHash.get(row.consumer_cpf_hash.trim())!;
        held.debts.set(debtKey(cpf.value, row.id), debtFromSqlRow(row));
      }
      const { writes, result } = decide(held);
      await this.write(tx, writes);
      return result;
    });
  }

  async saveRecords(records: readonly ConsumerRecordWrite[], at: Date): Promise<void> {
    // The last record of a CPF wins, and rows go in cpf_hash order: the lock order every batch takes.
    const byHash = new Map(records.map((r) => [this.cipher.lookupHash(r.cpf.value), r]));
    const hashes = [...byHash.keys()].sort();
    if (hashes.length === 0) return;
    const columns: string[][] = [[], [], [], [], []];
    for (const hash of hashes) {
      const r = byHash.get(hash)!;
      const tokens = encryptConsumerFields(
        { cpf: r.cpf.value, name: r.name, address: JSON.stringify(r.address.toJSON()) },
        hash,
        this.cipher,
      );
      [hash, tokens.cpfEnc, tokens.nameEnc, tokens.addressEnc, tokens.keyId].forEach((v, i) => columns[i]!.push(v));
    }
    await this.dataSource.query(UPSERT_CONSUMERS, [...columns, at.toISOString()]);
  }

  private heldConsumer(cpf: Cpf, row: ConsumerLockRow): HeldConsumer {
    const cipher = this.cipher;
    return {
      cpf,
      contact() {
        const tokens = {
          cpfHash: row.cpf_hash,
          cpfEnc: row.cpf_enc,
          nameEnc: row.name_enc,
          addressEnc: row.address_enc,
        };
        const clear = decryptConsumerFields(tokens, cipher);
        return { name: clear.name, address: JSON.parse(clear.address) as AddressProps };
      },
    };
  }

  private async write(tx: EntityManager, writes: DebtWrites): Promise<void> {
    const hash = (cpf: Cpf) => this.cipher.lookupHash(cpf.value);
    if (writes.upserts.length) {
      await tx.query(UPSERT_DEBTS, debtColumns(writes.upserts.map((u) => ({ hash: hash(u.cpf), debt: u.debt }))));
    }
    if (writes.removals.length) {
      await tx.query(DELETE_DEBTS, [writes.removals.map((r) => hash(r.cpf)), writes.removals.map((r) => r.debtId)]);
    }
    if (writes.touched.length) {
      await tx.query(TOUCH_CONSUMERS, [[...new Set(writes.touched.map(hash))], writes.at.toISOString()]);
    }
  }
}

function debtColumns(rows: { hash: string; debt: Debt }[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 10 }, () => []);
  for (const { hash, debt } of rows) {
    const p = debt.props;
    const values = [
      hash,
      p.id,
      p.creditor,
      p.creditorCnpj,
      p.amount.cents,
      p.dueDate.toString(),
      p.status,
      p.limitationDate?.toString() ?? null,
      p.reportableFrom?.toISOString() ?? null,
      p.reportedBy,
    ];
    values.forEach((v, i) => columns[i]!.push(v));
  }
  return columns;
}
