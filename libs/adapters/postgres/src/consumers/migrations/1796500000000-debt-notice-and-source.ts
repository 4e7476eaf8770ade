import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Debts registered through a creditor feed keep who registered them (only that source may change them) and when they
 * may first be reported: after the consumer's notice period (CDC art. 43 §2). Both stay null for the debts held
 * before, which were reportable from their registration.
 */
export class DebtNoticeAndSource1796500000000 implements MigrationInterface {
  name = 'DebtNoticeAndSource1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE debts ADD COLUMN reportable_from timestamptz, ADD COLUMN reported_by varchar(200)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE debts DROP COLUMN reportable_from, DROP COLUMN reported_by');
  }
}
