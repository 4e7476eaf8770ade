import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryColumn } from 'typeorm';

const centsTransformer = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'consumers' })
export class ConsumerRow {
  @PrimaryColumn({ type: 'char', length: 11 })
  cpf: string;

  @Column({ type: 'varchar', length: 160 })
  name: string;

  @Column({ type: 'jsonb' })
  address: Record<string, string | null>;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => DebtRow, (d) => d.consumer, { cascade: false })
  debts: DebtRow[];
}

@Entity({ name: 'debts' })
export class DebtRow {
  @PrimaryColumn({ name: 'consumer_cpf', type: 'char', length: 11 })
  consumerCpf: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @ManyToOne(() => ConsumerRow, (c) => c.debts, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consumer_cpf' })
  consumer: ConsumerRow;

  @Column({ type: 'varchar', length: 160 })
  creditor: string;

  @Column({ name: 'creditor_cnpj', type: 'char', length: 14 })
  creditorCnpj: string;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: centsTransformer })
  amountCents: number;

  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'limitation_date', type: 'date', nullable: true })
  limitationDate: string | null;
}
