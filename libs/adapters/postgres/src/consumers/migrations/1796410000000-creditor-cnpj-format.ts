import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A creditor's CNPJ is stored as the Cnpj value object normalises it: 14 characters, the first 12 digits or upper-case
 * letters (the alphanumeric CNPJ of IN RFB 2.229/2024), the last 2 digits. char(14) already holds both formats; the
 * CHECK keeps anything else (punctuation, lower case, a letter among the check digits) out of the table.
 */
export class CreditorCnpjFormat1796410000000 implements MigrationInterface {
  name = 'CreditorCnpjFormat1796410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE debts ADD CONSTRAINT debts_creditor_cnpj_format CHECK (creditor_cnpj ~ '^[0-9A-Z]{12}[0-9]{2}$')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE debts DROP CONSTRAINT debts_creditor_cnpj_format');
  }
}
