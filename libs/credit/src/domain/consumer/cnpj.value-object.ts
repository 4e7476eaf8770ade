import { ValidationError } from '@app/shared-kernel';

const W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/** Company taxpayer number of a creditor; checked like the CPF so a typo never becomes a phantom creditor. */
export class Cnpj {
  private constructor(readonly value: string) {}

  static parse(input: unknown, field = 'creditorCnpj'): Cnpj {
    const text = typeof input === 'string' ? input.trim() : '';
    if (!/^\d{14}$/.test(text) && !/^\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}$/.test(text)) {
      throw new ValidationError('CNPJ_INVALID', field, 'must be 14 digits or formatted as 00.000.000/0000-00');
    }
    const digits = text.replace(/\D/g, '');
    if (/^(\d)\1{13}$/.test(digits) || Cnpj.checkDigits(digits.slice(0, 12)) !== digits.slice(12)) {
      throw new ValidationError('CNPJ_INVALID', field, 'check digits do not match');
    }
    return new Cnpj(digits);
  }

  static checkDigits(base12: string): string {
    const digit = (body: string, weights: number[]): number => {
      const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
      const rest = sum % 11;
      return rest < 2 ? 0 : 11 - rest;
    };
    const first = digit(base12, W1);
    return `${first}${digit(base12 + first, W2)}`;
  }
}
