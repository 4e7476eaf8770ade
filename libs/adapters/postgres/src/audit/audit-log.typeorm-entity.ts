import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/**
 * One entry of the append-only audit chain. The table is created by its migration (triggers refuse UPDATE, DELETE
 * and TRUNCATE), and rows are written only by TypeormAuditLog, which computes `seq`, `prev_hash` and `hash`.
 */
@Entity({ name: 'audit_log' })
export class AuditLogRow {
  /** Position in the chain, 1-based and contiguous: assigned under a lock by the appender, never by a sequence. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  seq: number;

  /** Millisecond precision (a CHECK enforces it), so the ISO string covered by the hash is the whole stored value. */
  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ name: 'client_id', type: 'varchar', length: 200 })
  clientId: string;

  @Column({ type: 'varchar', length: 64 })
  scope: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  purpose: string | null;

  /** ***.456.789-** ; the clear CPF is never stored. */
  @Column({ name: 'cpf_masked', type: 'varchar', length: 14, nullable: true })
  cpfMasked: string | null;

  /** Keyed hash of the CPF digits, so a data subject's entries can be found without storing the CPF. */
  @Column({ name: 'cpf_hash', type: 'varchar', length: 128, nullable: true })
  cpfHash: string | null;

  @Column({ type: 'varchar', length: 16 })
  action: string;

  @Column({ type: 'varchar', length: 32 })
  resource: string;

  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  /** What a write changed (a correction), encrypted; null on every other entry. */
  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64, unique: true })
  hash: string;

  /** See AuditEntryInput.idempotencyKey; outside the hash. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 64, nullable: true })
  idempotencyKey: string | null;
}
