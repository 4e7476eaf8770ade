import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the consumers the demo loader wrote (DEMO_CONSUMERS with real servers, an explicit opt-in), so that
 * `npm run demo -- remove` finds them; any later write of the consumer by the API clears the mark, so the removal
 * never takes a record someone has since written for real. The partial index keeps the look-up cheap on a large table.
 */
export class ConsumerDemoMark1796410000100 implements MigrationInterface {
  name = 'ConsumerDemoMark1796410000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE consumers ADD COLUMN demo boolean NOT NULL DEFAULT false');
    await q.query('CREATE INDEX consumers_demo ON consumers (cpf_hash) WHERE demo');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX consumers_demo');
    await q.query('ALTER TABLE consumers DROP COLUMN demo');
  }
}
