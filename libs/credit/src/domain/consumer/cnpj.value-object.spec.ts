import { ValidationError } from '@app/shared-kernel';
import { Cnpj } from './cnpj.value-object';

function rejection(input: unknown, field?: string): ValidationError {
  try {
    Cnpj.parse(input, field);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('Cnpj', () => {
  it('computes both check digits of a 12-digit base', () => {
    expect(Cnpj.checkDigits('112223330001')).toBe('81');
  });

  it('accepts 14 digits', () => {
    expect(Cnpj.parse('11222333000181').value).toBe('11222333000181');
  });

  it('accepts the formatted form 00.000.000/0000-00 and normalises it to digits', () => {
    expect(Cnpj.parse(' 11.222.333/0001-81 ').value).toBe('11222333000181');
  });

  it('rejects a wrong first check digit', () => {
    expect(rejection('11222333000191')).toMatchObject({ code: 'CNPJ_INVALID', message: 'check digits do not match' });
  });

  it('rejects a wrong second check digit', () => {
    expect(rejection('11.222.333/0001-82')).toMatchObject({ code: 'CNPJ_INVALID', message: 'check digits do not match' });
  });

  it.each(['00000000000000', '11111111111111', '99999999999999'])('rejects the repeated-digit number %s', (input) => {
    expect(rejection(input).code).toBe('CNPJ_INVALID');
  });

  it.each([
    ['13 digits', '1122233300018'],
    ['15 digits', '112223330001810'],
    ['letters', '11.222.333/000A-81'],
    ['a mixed format', '11222333/0001-81'],
    ['a number', 11222333000181],
    ['null', null],
  ])('rejects %s', (_label, input) => {
    expect(rejection(input).code).toBe('CNPJ_INVALID');
  });

  it('names the field it was given, defaulting to creditorCnpj', () => {
    expect(rejection('x').field).toBe('creditorCnpj');
    expect(rejection('x', 'debts[1].creditorCnpj').field).toBe('debts[1].creditorCnpj');
  });
});
