import { Cpf } from '@app/shared-kernel';
import { ConsumerRepository } from '@app/credit-application';
import { Consumer, DebtRecord } from '@app/credit-domain';

/** Test adapter of the A_CONSUMER port: what the TypeORM adapter does, without a database. */
export class InMemoryConsumerRepository extends ConsumerRepository {
  private readonly byCpf = new Map<string, Consumer>();

  async findByCpf(cpf: Cpf): Promise<Consumer | null> {
    return this.byCpf.get(cpf.value) ?? null;
  }

  async save(consumer: Consumer): Promise<void> {
    this.byCpf.set(consumer.cpf.value, consumer);
  }

  async debtsOf(cpfs: readonly Cpf[]): Promise<Map<string, DebtRecord>> {
    const found = new Map<string, DebtRecord>();
    for (const cpf of cpfs) {
      const consumer = this.byCpf.get(cpf.value);
      if (consumer) found.set(cpf.value, new DebtRecord(consumer.debts));
    }
    return found;
  }

  /** How many consumers are stored: lets a test prove that a rejected command stored nothing. */
  size(): number {
    return this.byCpf.size;
  }
}
