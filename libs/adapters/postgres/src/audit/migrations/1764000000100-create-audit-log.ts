import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain's table. Append-only is enforced by the database itself: row triggers refuse UPDATE and DELETE and
 * a statement trigger refuses TRUNCATE, whoever connects. A table owner can still disable the triggers; what then
 * gives tampering away is the hash chain (`npm run audit:verify`).
 */
export class CreateAuditLog1764000000100 implements MigrationInterface {
  name = 'CreateAuditLog1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at timestamptz NOT NULL CHECK (at = date_trunc('milliseconds', at)),
        client_id varchar(200) NOT NULL,
        scope varchar(64) NOT NULL,
        purpose varchar(64),
        cpf_masked varchar(14) CHECK (cpf_masked ~ '^[*]{3}[.][0-9]{3}[.][0-9]{3}-[*]{2}$'),
        cpf_hash varchar(128) CHECK (cpf_hash !~ '^[0-9]{11}$'),
        action varchar(16) NOT NULL CHECK (action ~ '^[A-Z_]+$'),
        resource varchar(32) NOT NULL CHECK (resource ~ '^[A-Z_]+$'),
        outcome varchar(16) NOT NULL CHECK (outcome ~ '^[A-Z_]+$'),
        request_id varchar(128) NOT NULL,
        prev_hash char(64) NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash char(64) NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        CHECK ((cpf_masked IS NULL) = (cpf_hash IS NULL))
      )`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (cpf_hash, at DESC) WHERE cpf_hash IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING HINT = 'audit entries are never changed or removed';
      END
      $$`);
    await q.query(
      `CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP FUNCTION audit_log_append_only()');
  }
}
