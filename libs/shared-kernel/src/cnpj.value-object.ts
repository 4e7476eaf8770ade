import { ValidationError } from './domain-error';

const W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const PLAIN = /^[0-9A-Z]{12}[0-9]{2}$/;
const FORMATTED = /^[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}\/[0-9A-Z]{4}-[0-9]{2}$/;
/** A valid CNPJ, plain and upper case, bounded by anything but a letter or digit: what log redaction leaves alone. */
const PLAIN_TOKEN = /(?<![0-9A-Za-z])[0-9A-Z]{12}[0-9]{2}(?![0-9A-Za-z])/g;

const CNPJ_SHAPE =
  '14 characters, 12 letters A-Z or digits then 2 check digits, ' +
  'or formatted as 00.000.000/0000-00 (12.ABC.345/01DE-35)';

/**
 * Company taxpayer number (CNPJ), numeric or alphanumeric (IN RFB 2.229/2024: from July 2026 the first 12
 * characters may be letters A-Z, the last 2 stay digits). Both check digits are verified with the mod-11 weights over
 * each character's ASCII code minus 48, which gives a digit its own value, so numeric CNPJs keep the check digits they
 * always had. Lower-case letters are read as upper case: the Receita issues upper case only, and a lower-case copy
 * names the same company. The value is the 14 characters, upper case, without punctuation.
 */
export class Cnpj {
  private constructor(readonly value: string) {}

  static parse(input: unknown, field = 'creditorCnpj'): Cnpj {
    const checked = Cnpj.check(input);
    if (typeof checked === 'object') throw new ValidationError('CNPJ_INVALID', field, checked.reason);
    return new Cnpj(checked);
  }

  static isValid(input: unknown): boolean {
    return typeof Cnpj.check(input) === 'string';
  }

  /** The 14 characters of a valid CNPJ, or why the input is not one. */
  private static check(input: unknown): string | { reason: string } {
    if (typeof input !== 'string') return { reason: `must be a string of ${CNPJ_SHAPE}` };
    const text = input.trim().toUpperCase();
    if (!PLAIN.test(text) && !FORMATTED.test(text)) return { reason: `must be ${CNPJ_SHAPE}` };
    const value = text.replace(/[./-]/g, '');
    if (/^(\d)\1{13}$/.test(value)) return { reason: 'a CNPJ of one repeated digit is never issued' };
    if (Cnpj.checkDigits(value.slice(0, 12)) !== value.slice(12)) return { reason: 'check digits do not match' };
    return value;
  }

  /** The two check digits of a 12-character base (digits or upper-case letters). */
  static checkDigits(base12: string): string {
    const digit = (body: string, weights: number[]): number => {
      let sum = 0;
      for (let i = 0; i < weights.length; i++) sum += weights[i] * (body.charCodeAt(i) - 48);
      const rest = sum % 11;
      return rest < 2 ? 0 : 11 - rest;
    };
    const first = digit(base12, W1);
    return `${first}${digit(base12 + first, W2)}`;
  }

  /** 12.ABC.345/01DE-35 */
  get formatted(): string {
    const v = this.value;
    return `${v.slice(0, 2)}.${v.slice(2, 5)}.${v.slice(5, 8)}/${v.slice(8, 12)}-${v.slice(12)}`;
  }

  /** Where in `text` valid plain CNPJs stand, so that log redaction can tell a company's number from a person's CPF. */
  static spansIn(text: string): [start: number, end: number][] {
    const spans: [number, number][] = [];
    for (const m of text.matchAll(PLAIN_TOKEN)) if (Cnpj.isValid(m[0])) spans.push([m.index, m.index + 14]);
    return spans;
  }
}
