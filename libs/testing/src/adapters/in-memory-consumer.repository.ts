import { Cpf } from '@app/shared-kernel';
import { ConsumerRepository } from '../../../credit/src/application/ports/consumer.repository';
import { Consumer } from '../../../credit/src/domain/consumer/consumer.entity';

/** Test adapter of the A_CONSUMER port: what the TypeORM adapter does, without a database. */
export class InMemoryConsumerRepository extends ConsumerRepository {
  private readonly byCpf = new Map<string, Consumer>();

  async findByCpf(cpf: Cpf): Promise<Consumer | null> {
    return this.byCpf.get(cpf.value) ?? null;
  }

  async save(consumer: Consumer): Promise<void> {
    this.byCpf.set(consumer.cpf.value, consumer);
  }

  /** How many consumers are stored: lets a test prove that a rejected command stored nothing. */
  size(): number {
    return this.byCpf.size;
  }
}
