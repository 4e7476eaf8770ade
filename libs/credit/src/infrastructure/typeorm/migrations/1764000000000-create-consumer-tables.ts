import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConsumerTables1764000000000 implements MigrationInterface {
  name = 'CreateConsumerTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consumers (
        cpf char(11) PRIMARY KEY CHECK (cpf ~ '^[0-9]{11}$'),
        name varchar(160) NOT NULL,
        address jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE debts (
        consumer_cpf char(11) NOT NULL REFERENCES consumers(cpf) ON DELETE CASCADE,
        id varchar(64) NOT NULL,
        creditor varchar(160) NOT NULL,
        creditor_cnpj char(14) NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        due_date date NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('OPEN', 'OVERDUE', 'RENEGOTIATED', 'PAID')),
        limitation_date date,
        PRIMARY KEY (consumer_cpf, id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE debts');
    await q.query('DROP TABLE consumers');
  }
}
