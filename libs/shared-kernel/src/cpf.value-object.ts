import { ValidationError } from './domain-error';

const FORMATTED = /^\d{3}\.\d{3}\.\d{3}-\d{2}$/;
const DIGITS = /^\d{11}$/;

/**
 * Brazilian individual taxpayer number. Accepts 11 digits or the formatted form 123.456.789-09, checks
 * both check digits (mod 11) and rejects the repeated-digit numbers that pass the arithmetic but are never issued.
 */
export class Cpf {
  private constructor(readonly value: string) {}

  static parse(input: unknown, field = 'cpf'): Cpf {
    const checked = Cpf.check(input);
    if (typeof checked === 'object') throw new ValidationError('CPF_INVALID', field, checked.reason);
    return new Cpf(checked);
  }

  /** The CPF, or null when the input is not one; for hot paths that decline bad input without building an error. */
  static tryParse(input: unknown): Cpf | null {
    const checked = Cpf.check(input);
    return typeof checked === 'string' ? new Cpf(checked) : null;
  }

  static isValid(input: unknown): boolean {
    return typeof Cpf.check(input) === 'string';
  }

  /** The 11 digits of a valid CPF, or why the input is not one. */
  private static check(input: unknown): string | { reason: string } {
    if (typeof input !== 'string') return { reason: 'must be a string of 11 digits or formatted as 000.000.000-00' };
    const trimmed = input.trim();
    if (!DIGITS.test(trimmed) && !FORMATTED.test(trimmed))
      return { reason: 'must be 11 digits or formatted as 000.000.000-00' };
    const digits = trimmed.replace(/\D/g, '');
    if (/^(\d)\1{10}$/.test(digits)) return { reason: 'a CPF of one repeated digit is never issued' };
    if (Cpf.checkDigits(digits.slice(0, 9)) !== digits.slice(9)) return { reason: 'check digits do not match' };
    return digits;
  }

  /** The two check digits for a 9-digit base. Exposed so test data can be generated, not guessed. */
  static checkDigits(base9: string): string {
    const digit = (body: string): number => {
      let sum = 0;
      for (let i = 0; i < body.length; i++) sum += Number(body[i]) * (body.length + 1 - i);
      const rest = (sum * 10) % 11;
      return rest === 10 ? 0 : rest;
    };
    const first = digit(base9);
    const second = digit(base9 + first);
    return `${first}${second}`;
  }

  /** ***.456.789-** : enough to tell records apart in logs and audit, not enough to identify a person. */
  get masked(): string {
    return `***.${this.value.slice(3, 6)}.${this.value.slice(6, 9)}-**`;
  }

  get formatted(): string {
    const v = this.value;
    return `${v.slice(0, 3)}.${v.slice(3, 6)}.${v.slice(6, 9)}-${v.slice(9)}`;
  }

  equals(other: Cpf): boolean {
    return other.value === this.value;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  /** console.log and util.inspect show the masked form too, so a stray debug line cannot leak a CPF. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Cpf(${this.masked})`;
  }
}
