import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a write changed (a correction's reason, before and after), encrypted, and covered by the entry's hash when
 * present. Adding a column is not an UPDATE: the append-only triggers stay as they are, and existing entries keep
 * their hashes, which never covered a detail.
 */
export class AddAuditDetail1764000000300 implements MigrationInterface {
  name = 'AddAuditDetail1764000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN detail text`);
    // Consultations and recipients of a correction are read by kind for one subject, newest first.
    await q.query(`
      CREATE INDEX audit_log_subject_kind_idx ON audit_log (cpf_hash, action, outcome, at DESC)
      WHERE cpf_hash IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_log_subject_kind_idx');
    await q.query('ALTER TABLE audit_log DROP COLUMN detail');
  }
}
