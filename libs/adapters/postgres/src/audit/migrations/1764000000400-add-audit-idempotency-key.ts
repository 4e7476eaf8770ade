import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key that makes an act reported twice one entry (AuditEntryInput.idempotencyKey): unique with the client and the
 * subject, so a second entry of the same act can never enter the chain. Absent on the entries written before.
 */
export class AddAuditIdempotencyKey1764000000400 implements MigrationInterface {
  name = 'AddAuditIdempotencyKey1764000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN idempotency_key varchar(64)`);
    await q.query(`
      CREATE UNIQUE INDEX audit_log_idempotency_key_idx ON audit_log (idempotency_key, client_id, cpf_hash)
      WHERE idempotency_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_idempotency_key_idx');
    await q.query('ALTER TABLE audit_log DROP COLUMN idempotency_key');
  }
}
