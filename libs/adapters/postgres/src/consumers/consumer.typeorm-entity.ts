import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryColumn } from 'typeorm';

const centsTransformer = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * One consumer, personal data encrypted (FieldCipher tokens); ConsumerTypeormMapper is the only place that reads them.
 */
@Entity({ name: 'consumers' })
export class ConsumerRow {
  /** HMAC-SHA256 (hex) of the CPF digits under the look-up key: the primary key, and the AAD of the tokens below. */
  @PrimaryColumn({ name: 'cpf_hash', type: 'char', length: 64 })
  cpfHash: string;

  @Column({ name: 'cpf_enc', type: 'text' })
  cpfEnc: string;

  @Column({ name: 'name_enc', type: 'text' })
  nameEnc: string;

  /** The address as JSON, encrypted as one value. */
  @Column({ name: 'address_enc', type: 'text' })
  addressEnc: string;

  /** Key the three tokens were encrypted with; a rotation re-encrypts the rows whose key is not the current one. */
  @Column({ name: 'key_id', type: 'varchar', length: 32 })
  keyId: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Written by the demo loader and not by anyone since: `npm run demo -- remove` deletes these rows. */
  @Column({ type: 'boolean', default: false })
  demo: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => DebtRow, (d) => d.consumer, { cascade: false })
  debts: DebtRow[];
}

/** Debts are kept in clear: they describe the credit (creditor, CNPJ, amounts, dates), not the person. */
@Entity({ name: 'debts' })
export class DebtRow {
  @PrimaryColumn({ name: 'consumer_cpf_hash', type: 'char', length: 64 })
  consumerCpfHash: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @ManyToOne(() => ConsumerRow, (c) => c.debts, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consumer_cpf_hash', referencedColumnName: 'cpfHash' })
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

  /** When a debt in its notice period may first be reported; null: reportable from registration. */
  @Column({ name: 'reportable_from', type: 'timestamptz', nullable: true })
  reportableFrom: Date | null;

  /** The source that registered it through a creditor feed; only that source may change it there. */
  @Column({ name: 'reported_by', type: 'varchar', length: 200, nullable: true })
  reportedBy: string | null;
}
