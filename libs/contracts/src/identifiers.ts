/** The identifiers every schema shares: a consumer's CPF and a creditor's CNPJ. */
/**
 * CPF: 11 digits or 000.000.000-00, never one digit eleven times (those pass the arithmetic but are never issued). No
 * pattern can hold the mod-11 check digits, so `format: cpf` names that rule; the domain verifies it (CPF_INVALID).
 */
export const CPF_PATTERN =
  '^(?!([0-9])\\1{2}\\.?\\1{3}\\.?\\1{3}-?\\1{2}$)([0-9]{11}|[0-9]{3}\\.[0-9]{3}\\.[0-9]{3}-[0-9]{2})$';
export const cpf = {
  type: 'string',
  format: 'cpf',
  pattern: CPF_PATTERN,
  description:
    'CPF, 11 digits or formatted 000.000.000-00, not one repeated digit; format cpf: both mod-11 check digits are verified',
  examples: ['12345678909'],
};
/**
 * CNPJ, numeric or alphanumeric (IN RFB 2.229/2024): 12 letters A-Z or digits then 2 digits, plain or
 * 00.000.000/0000-00; lower case is read as upper case. `format: cnpj` names the mod-11 check digits over each
 * character's ASCII code minus 48.
 */
export const CNPJ_PATTERN =
  '^(?!([0-9])\\1\\.?\\1{3}\\.?\\1{3}/?\\1{4}-?\\1{2}$)' +
  '([0-9A-Za-z]{12}[0-9]{2}|[0-9A-Za-z]{2}\\.[0-9A-Za-z]{3}\\.[0-9A-Za-z]{3}/[0-9A-Za-z]{4}-[0-9]{2})$';
export const cnpj = {
  type: 'string',
  format: 'cnpj',
  pattern: CNPJ_PATTERN,
  description:
    'CNPJ, 14 characters (12 letters A-Z or digits, then 2 digits) or formatted 12.ABC.345/01DE-35; ' +
    'lower case is read as upper case; format cnpj: both check digits are verified',
  examples: ['11.222.333/0001-81', '12.ABC.345/01DE-35'],
};
