import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1764000000200 implements MigrationInterface {
  name = 'CreateApiKeys1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id char(16) PRIMARY KEY,
        name varchar(120) NOT NULL,
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        secret_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
