import { Cpf } from '@app/shared-kernel';
import { ConsumerFeeds, ConsumerRecordWrite, DebtWrites, HeldDebts, debtKey } from '@app/credit-application';
import { Consumer, Debt } from '@app/credit-domain';
import { InMemoryConsumerRepository } from './in-memory-consumer.repository';

/** Test adapter of the feeds port, over the in-memory consumers: what the TypeORM adapter does, without a database. */
export class InMemoryConsumerFeeds extends ConsumerFeeds {
  constructor(private readonly consumers: InMemoryConsumerRepository) {
    super();
  }

  async changeDebts<T>(
    keys: readonly { cpf: Cpf; debtId: string }[],
    decide: (held: HeldDebts) => { writes: DebtWrites; result: T },
  ): Promise<T> {
    const held: HeldDebts = { consumers: new Map(), debts: new Map() };
    for (const { cpf, debtId } of keys) {
      const consumer = await this.consumers.findByCpf(cpf);
      if (!consumer) continue;
      const contact = () => ({ name: consumer.name, address: consumer.address.toJSON() });
      held.consumers.set(cpf.value, { cpf, contact });
      const debt = consumer.debts.find((d) => d.id === debtId);
      if (debt) held.debts.set(debtKey(cpf.value, debtId), debt);
    }
    const { writes, result } = decide(held);
    const next = new Map<string, Consumer>();
    const consumerOf = async (cpf: Cpf) => next.get(cpf.value) ?? (await this.consumers.findByCpf(cpf))!;
    for (const { cpf, debt } of writes.upserts) {
      const replaced = (debts: readonly Debt[]) => [...debts.filter((d) => d.id !== debt.id), debt];
      next.set(cpf.value, withDebts(await consumerOf(cpf), replaced, writes.at));
    }
    for (const { cpf, debtId } of writes.removals) {
      const removed = (debts: readonly Debt[]) => debts.filter((d) => d.id !== debtId);
      next.set(cpf.value, withDebts(await consumerOf(cpf), removed, writes.at));
    }
    for (const consumer of next.values()) await this.consumers.save(consumer);
    return result;
  }

  async saveRecords(records: readonly ConsumerRecordWrite[], at: Date): Promise<void> {
    for (const r of records) {
      const existing = await this.consumers.findByCpf(r.cpf);
      const debts = [...(existing?.debts ?? [])];
      await this.consumers.save(
        Consumer.create({ cpf: r.cpf, name: r.name, address: r.address, debts, updatedAt: at }),
      );
    }
  }
}

function withDebts(consumer: Consumer, change: (debts: readonly Debt[]) => Debt[], at: Date): Consumer {
  const { cpf, name, address } = consumer;
  return Consumer.create({ cpf, name, address, debts: change(consumer.debts), updatedAt: at });
}
