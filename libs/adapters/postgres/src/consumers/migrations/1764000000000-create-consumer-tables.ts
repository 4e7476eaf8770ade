import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A_CONSUMER with its personal data encrypted at rest (field level, AES-256-GCM, see FieldCipher in @app/platform):
 * no column holds a CPF, a name or an address in clear. A row is found by `cpf_hash`, an HMAC-SHA256 of the CPF under
 * a key of its own; `key_id` names the key the row's three tokens were encrypted with, so a key rotation can find the
 * rows it still has to rewrite (the CHECK keeps it honest). Each token is bound to its row and column (the AAD is the
 * column name and the cpf_hash), so a token copied elsewhere fails to decrypt.
 */
export class CreateConsumerTables1764000000000 implements MigrationInterface {
  name = 'CreateConsumerTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consumers (
        cpf_hash char(64) PRIMARY KEY CHECK (cpf_hash ~ '^[0-9a-f]{64}$'),
        cpf_enc text NOT NULL,
        name_enc text NOT NULL,
        address_enc text NOT NULL,
        key_id varchar(32) NOT NULL CHECK (key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
        updated_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT consumers_fields_encrypted_with_key_id CHECK (
          split_part(cpf_enc, '.', 1) = 'v1' AND split_part(cpf_enc, '.', 2) = key_id
          AND split_part(name_enc, '.', 1) = 'v1' AND split_part(name_enc, '.', 2) = key_id
          AND split_part(address_enc, '.', 1) = 'v1' AND split_part(address_enc, '.', 2) = key_id
        )
      )`);
    // Debts stay in clear: creditor, its CNPJ, amounts, dates and status describe the credit, not the person, and the
    // only link to the subject is the keyed cpf_hash. Ratings and reports aggregate them without any key.
    await q.query(`
      CREATE TABLE debts (
        consumer_cpf_hash char(64) NOT NULL REFERENCES consumers(cpf_hash) ON DELETE CASCADE,
        id varchar(64) NOT NULL,
        creditor varchar(160) NOT NULL,
        creditor_cnpj char(14) NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        due_date date NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('OPEN', 'OVERDUE', 'RENEGOTIATED', 'PAID')),
        limitation_date date,
        PRIMARY KEY (consumer_cpf_hash, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE debts');
    await q.query('DROP TABLE consumers');
  }
}
