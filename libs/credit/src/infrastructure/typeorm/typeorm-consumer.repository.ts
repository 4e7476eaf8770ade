import { Cpf } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsumerRepository } from '../../application/ports/consumer.repository';
import { Consumer } from '../../domain/consumer/consumer.entity';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';
import { ConsumerTypeormMapper } from './consumer.typeorm-mapper';

@Injectable()
export class TypeormConsumerRepository extends ConsumerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async findByCpf(cpf: Cpf): Promise<Consumer | null> {
    const row = await this.dataSource.getRepository(ConsumerRow).findOneBy({ cpf: cpf.value });
    if (!row) return null;
    const debts = await this.dataSource.getRepository(DebtRow).find({ where: { consumerCpf: cpf.value }, order: { dueDate: 'DESC', id: 'ASC' } });
    return ConsumerTypeormMapper.toDomain(row, debts);
  }

  /** One transaction: the consumer row and its full debt list are replaced together or not at all. */
  async save(consumer: Consumer): Promise<void> {
    const { row, debts } = ConsumerTypeormMapper.toPersistence(consumer);
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(ConsumerRow).upsert(row, ['cpf']);
      await tx.getRepository(DebtRow).delete({ consumerCpf: consumer.cpf.value });
      if (debts.length) await tx.getRepository(DebtRow).insert(debts);
    });
  }

  /** Bulk load for demo data and migrations of many consumers at once; still one CPF per row, never a listing. */
  async saveMany(consumers: Consumer[]): Promise<void> {
    const mapped = consumers.map((c) => ConsumerTypeormMapper.toPersistence(c));
    await this.dataSource.transaction(async (tx) => {
      for (let i = 0; i < mapped.length; i += 500) {
        const chunk = mapped.slice(i, i + 500);
        await tx.getRepository(ConsumerRow).upsert(chunk.map((m) => m.row), ['cpf']);
        const debts = chunk.flatMap((m) => m.debts);
        await tx.getRepository(DebtRow).delete(chunk.map((m) => ({ consumerCpf: m.row.cpf })));
        for (let j = 0; j < debts.length; j += 1000) await tx.getRepository(DebtRow).insert(debts.slice(j, j + 1000));
      }
    });
  }
}
