import { Cpf } from '@app/shared-kernel';
import { Address, AddressProps } from '../../domain/consumer/address.value-object';
import { Consumer } from '../../domain/consumer/consumer.entity';
import { Debt } from '../../domain/consumer/debt.entity';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';

const day = (d: Date): string => d.toISOString().slice(0, 10);
const fromDay = (s: string): Date => new Date(`${s}T00:00:00Z`);

export const ConsumerTypeormMapper = {
  toDomain(row: ConsumerRow, debts: DebtRow[]): Consumer {
    return Consumer.create({
      cpf: Cpf.parse(row.cpf),
      name: row.name,
      address: Address.create(row.address as unknown as AddressProps),
      debts: debts.map((d) =>
        Debt.create({
          id: d.id,
          creditor: d.creditor,
          creditorCnpj: d.creditorCnpj,
          amountCents: d.amountCents,
          dueDate: fromDay(d.dueDate),
          status: d.status,
          limitationDate: d.limitationDate ? fromDay(d.limitationDate) : null,
        }),
      ),
      updatedAt: row.updatedAt,
    });
  },

  toPersistence(consumer: Consumer): { row: Partial<ConsumerRow>; debts: Partial<DebtRow>[] } {
    return {
      row: { cpf: consumer.cpf.value, name: consumer.name, address: { ...consumer.address.toJSON() } as Record<string, string | null>, updatedAt: consumer.updatedAt },
      debts: consumer.debts.map((d) => ({
        consumerCpf: consumer.cpf.value,
        id: d.id,
        creditor: d.props.creditor,
        creditorCnpj: d.props.creditorCnpj,
        amountCents: d.props.amount.cents,
        dueDate: day(d.props.dueDate),
        status: d.props.status,
        limitationDate: d.props.limitationDate ? day(d.props.limitationDate) : null,
      })),
    };
  },
};
