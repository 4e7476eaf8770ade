import { FieldCipher } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsumerRepository } from '@app/credit-application';
import { Consumer, DebtRecord, Debt } from '@app/credit-domain';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';
import { ConsumerTypeormMapper, DEBT_SQL_COLUMNS, DebtSqlRow, debtFromSqlRow } from './consumer.typeorm-mapper';

/** A_CONSUMER in PostgreSQL (or PGlite): found by the keyed hash of the CPF, personal data encrypted field by field. */
@Injectable()
export class TypeormConsumerRepository extends ConsumerRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
  ) {
    super();
  }

  async findByCpf(cpf: Cpf): Promise<Consumer | null> {
    const cpfHash = this.cipher.lookupHash(cpf.value);
    // One statement (consumer LEFT JOIN its debts), so one round trip and one PostgreSQL backend woken on the
    // analysis's critical path. getOne() sets no LIMIT, so TypeORM does not add its separate DISTINCT-ids query.
    const row = await this.dataSource
      .getRepository(ConsumerRow)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.debts', 'd')
      .where('c.cpfHash = :cpfHash', { cpfHash })
      .orderBy('d.dueDate', 'DESC')
      .addOrderBy('d.id', 'ASC')
      .getOne();
    if (!row) return null;
    return ConsumerTypeormMapper.toDomain(row, row.debts, this.cipher);
  }

  async debtsOf(cpfs: readonly Cpf[]): Promise<Map<string, DebtRecord>> {
    const digitsByHash = new Map(cpfs.map((c) => [this.cipher.lookupHash(c.value), c.value]));
    if (digitsByHash.size === 0) return new Map();
    const rows: DebtReadRow[] = await this.dataSource.query(
      `SELECT c.cpf_hash, ${DEBT_SQL_COLUMNS}
       FROM consumers c LEFT JOIN debts d ON d.consumer_cpf_hash = c.cpf_hash
       WHERE c.cpf_hash = ANY($1::bpchar[])`,
      [[...digitsByHash.keys()]],
    );
    const debts = new Map<string, Debt[]>();
    for (const row of rows) {
      const digits = digitsByHash.get(row.cpf_hash.trim());
      if (digits === undefined) continue;
      const list = debts.get(digits) ?? [];
      if (row.id !== null) list.push(debtFromSqlRow(row));
      debts.set(digits, list);
    }
    return new Map([...debts].map(([digits, list]) => [digits, new DebtRecord(list)]));
  }

  /**
   * One transaction: the consumer row and its full debt list are replaced together or not at all. A consumer written
   * here is real data from then on, so the demo mark is cleared.
   */
  async save(consumer: Consumer): Promise<void> {
    const { row, debts } = ConsumerTypeormMapper.toPersistence(consumer, this.cipher);
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(ConsumerRow).upsert({ ...row, demo: false }, ['cpfHash']);
      await tx.getRepository(DebtRow).delete({ consumerCpfHash: row.cpfHash });
      if (debts.length) await tx.getRepository(DebtRow).insert(debts);
    });
  }

  /**
   * Bulk load for demo data and migrations of many consumers at once; still one CPF per row, never a listing.
   * `demo` marks the rows as the demo loader's, for `npm run demo -- remove`.
   */
  async saveMany(consumers: Consumer[], options: { demo?: boolean } = {}): Promise<void> {
    const mapped = consumers.map((c) => ConsumerTypeormMapper.toPersistence(c, this.cipher));
    await this.dataSource.transaction(async (tx) => {
      for (let i = 0; i < mapped.length; i += 500) {
        const chunk = mapped.slice(i, i + 500);
        const rows = chunk.map((m) => ({ ...m.row, demo: options.demo ?? false }));
        await tx.getRepository(ConsumerRow).upsert(rows, ['cpfHash']);
        const debts = chunk.flatMap((m) => m.debts);
        await tx.getRepository(DebtRow).delete(chunk.map((m) => ({ consumerCpfHash: m.row.cpfHash })));
        for (let j = 0; j < debts.length; j += 1000) await tx.getRepository(DebtRow).insert(debts.slice(j, j + 1000));
      }
    });
  }
}

/** A consumer's hash with one of its debts, or with nulls when it has none (the LEFT JOIN in debtsOf). */
type DebtReadRow = DebtSqlRow & { cpf_hash: string };
