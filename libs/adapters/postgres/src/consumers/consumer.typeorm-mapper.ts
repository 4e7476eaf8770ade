import type { FieldCipher } from '@app/platform';
import { CalendarDate, Cpf } from '@app/shared-kernel';
import { Address, AddressProps, Consumer, Debt } from '@app/credit-domain';
import { ConsumerRow, DebtRow } from './consumer.typeorm-entity';

/** The consumers columns that hold FieldCipher tokens. */
type EncryptedConsumerColumn = 'cpf_enc' | 'name_enc' | 'address_enc';

/**
 * The AAD of an encrypted field: its column and its row's cpf_hash. A token copied to another column or another
 * consumer then fails authentication instead of decrypting into the wrong person's data.
 */
const encryptionContext = (column: EncryptedConsumerColumn, cpfHash: string): string =>
  `consumers.${column}:${cpfHash}`;

/** The three tokens of a consumer row, encrypted with the cipher's current key. */
export function encryptConsumerFields(
  fields: { cpf: string; name: string; address: string },
  cpfHash: string,
  cipher: FieldCipher,
): Pick<ConsumerRow, 'cpfEnc' | 'nameEnc' | 'addressEnc' | 'keyId'> {
  return {
    cpfEnc: cipher.encrypt(fields.cpf, encryptionContext('cpf_enc', cpfHash)),
    nameEnc: cipher.encrypt(fields.name, encryptionContext('name_enc', cpfHash)),
    addressEnc: cipher.encrypt(fields.address, encryptionContext('address_enc', cpfHash)),
    keyId: cipher.currentKeyId,
  };
}

/** The clear text of a consumer row's tokens; throws FieldCipherError when one fails authentication. */
export function decryptConsumerFields(
  row: Pick<ConsumerRow, 'cpfHash' | 'cpfEnc' | 'nameEnc' | 'addressEnc'>,
  cipher: FieldCipher,
): { cpf: string; name: string; address: string } {
  const cpfHash = row.cpfHash.trim();
  const cpf = cipher.decrypt(row.cpfEnc, encryptionContext('cpf_enc', cpfHash));
  if (cipher.lookupHash(cpf) !== cpfHash)
    throw new Error('a consumer row does not match its cpf_hash: wrong CPF_LOOKUP_KEY?');
  return {
    cpf,
    name: cipher.decrypt(row.nameEnc, encryptionContext('name_enc', cpfHash)),
    address: cipher.decrypt(row.addressEnc, encryptionContext('address_enc', cpfHash)),
  };
}

/** Debt rows are in clear: they describe the credit, not the person. */
type DebtRowFields = Pick<
  DebtRow,
  'id' | 'creditor' | 'creditorCnpj' | 'amountCents' | 'dueDate' | 'status' | 'limitationDate'
> & { reportableFrom?: Date | string | null; reportedBy?: string | null };

function debtFromRow(d: DebtRowFields): Debt {
  return Debt.create({
    id: d.id,
    creditor: d.creditor,
    creditorCnpj: d.creditorCnpj,
    amountCents: d.amountCents,
    dueDate: CalendarDate.fromString(d.dueDate),
    status: d.status,
    limitationDate: d.limitationDate ? CalendarDate.fromString(d.limitationDate) : null,
    reportableFrom: d.reportableFrom ? new Date(d.reportableFrom) : null,
    reportedBy: d.reportedBy ?? null,
  });
}

/**
 * A debt's columns as read with raw SQL (`DEBT_SQL_COLUMNS`): dates leave PostgreSQL as text, since pg would turn a
 * date column into a local-time Date, and the bigint amount as text.
 */
export const DEBT_SQL_COLUMNS = `d.id, d.creditor, d.creditor_cnpj, d.amount_cents::text AS amount_cents,
  to_char(d.due_date, 'YYYY-MM-DD') AS due_date, d.status, to_char(d.limitation_date, 'YYYY-MM-DD') AS limitation_date,
  d.reportable_from, d.reported_by`;

export type DebtSqlRow = Record<
  'id' | 'creditor' | 'creditor_cnpj' | 'amount_cents' | 'due_date' | 'status',
  string
> & {
  limitation_date: string | null;
  reportable_from: Date | string | null;
  reported_by: string | null;
};

export function debtFromSqlRow(row: DebtSqlRow): Debt {
  return debtFromRow({
    id: row.id,
    creditor: row.creditor,
    creditorCnpj: row.creditor_cnpj,
    amountCents: Number(row.amount_cents),
    dueDate: row.due_date,
    status: row.status,
    limitationDate: row.limitation_date,
    reportableFrom: row.reportable_from,
    reportedBy: row.reported_by,
  });
}

export const ConsumerTypeormMapper = {
  toDomain(row: ConsumerRow, debts: DebtRow[], cipher: FieldCipher): Consumer {
    const clear = decryptConsumerFields(row, cipher);
    return Consumer.create({
      cpf: Cpf.parse(clear.cpf),
      name: clear.name,
      address: Address.create(JSON.parse(clear.address) as AddressProps),
      debts: debts.map(debtFromRow),
      updatedAt: row.updatedAt,
    });
  },

  toPersistence(consumer: Consumer, cipher: FieldCipher): { row: Partial<ConsumerRow>; debts: Partial<DebtRow>[] } {
    const cpfHash = cipher.lookupHash(consumer.cpf.value);
    const fields = encryptConsumerFields(
      { cpf: consumer.cpf.value, name: consumer.name, address: JSON.stringify(consumer.address.toJSON()) },
      cpfHash,
      cipher,
    );
    return {
      row: { cpfHash, ...fields, updatedAt: consumer.updatedAt },
      debts: consumer.debts.map((d) => ({
        consumerCpfHash: cpfHash,
        id: d.id,
        creditor: d.props.creditor,
        creditorCnpj: d.props.creditorCnpj,
        amountCents: d.props.amount.cents,
        dueDate: d.props.dueDate.toString(),
        status: d.props.status,
        limitationDate: d.props.limitationDate?.toString() ?? null,
        reportableFrom: d.props.reportableFrom,
        reportedBy: d.props.reportedBy,
      })),
    };
  },
};
