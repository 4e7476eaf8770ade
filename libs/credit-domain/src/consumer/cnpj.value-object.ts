/** A creditor's CNPJ: the rule lives in the shared kernel beside the CPF's, as log redaction must recognise it too. */
export { Cnpj } from '@app/shared-kernel';
