import { ValidationError } from './domain-error';
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
  describe('numeric, as issued until July 2026', () => {
    it('computes both check digits of a 12-digit base', () => {
      expect(Cnpj.checkDigits('112223330001')).toBe('81');
    });

    it.each([
      // Published examples: the one used by Receita Federal's own forms, and CNPJs of well-known companies.
      ['11222333000181', '11.222.333/0001-81'],
      ['00000000000191', '00.000.000/0001-91'], // Banco do Brasil
      ['33000167000101', '33.000.167/0001-01'], // Petrobras
      ['60701190000104', '60.701.190/0001-04'], // Itaú Unibanco
    ])('accepts %s and its formatted form %s', (plain, formatted) => {
      expect(Cnpj.parse(plain).value).toBe(plain);
      expect(Cnpj.parse(formatted).value).toBe(plain);
      expect(Cnpj.parse(plain).formatted).toBe(formatted);
    });

    it('ignores surrounding whitespace', () => {
      expect(Cnpj.parse(' 11.222.333/0001-81 ').value).toBe('11222333000181');
    });

    it('rejects a wrong first check digit', () => {
      expect(rejection('11222333000191')).toMatchObject({ code: 'CNPJ_INVALID', message: 'check digits do not match' });
    });

    it('rejects a wrong second check digit', () => {
      expect(rejection('11.222.333/0001-82')).toMatchObject({
        code: 'CNPJ_INVALID',
        message: 'check digits do not match',
      });
    });

    it.each(['00000000000000', '11111111111111', '99999999999999'])('rejects the repeated-digit number %s', (input) => {
      expect(rejection(input)).toMatchObject({
        code: 'CNPJ_INVALID',
        message: 'a CNPJ of one repeated digit is never issued',
      });
    });
  });

  describe('alphanumeric (IN RFB 2.229/2024)', () => {
    it("computes the check digits of the Receita Federal's published example 12.ABC.345/01DE-35", () => {
      expect(Cnpj.checkDigits('12ABC34501DE')).toBe('35');
    });

    it('accepts the published example plain and formatted, and keeps it upper case without punctuation', () => {
      expect(Cnpj.parse('12ABC34501DE35').value).toBe('12ABC34501DE35');
      expect(Cnpj.parse('12.ABC.345/01DE-35').value).toBe('12ABC34501DE35');
      expect(Cnpj.parse('12ABC34501DE35').formatted).toBe('12.ABC.345/01DE-35');
    });

    it('reads lower-case letters as the upper-case ones the Receita issues', () => {
      expect(Cnpj.parse('12.abc.345/01de-35').value).toBe('12ABC34501DE35');
      expect(Cnpj.parse('12aBc34501dE35').value).toBe('12ABC34501DE35');
    });

    it('verifies check digits over letters: the example with a letter changed is refused', () => {
      expect(rejection('12ABD34501DE35')).toMatchObject({ code: 'CNPJ_INVALID', message: 'check digits do not match' });
      expect(rejection('12.ABC.345/01DE-53').message).toBe('check digits do not match');
    });

    it('accepts letters in every one of the 12 base positions', () => {
      const base = 'ABCDEFGHIJKL';
      const cnpj = base + Cnpj.checkDigits(base);
      expect(Cnpj.parse(cnpj).value).toBe(cnpj);
    });

    it.each([
      ['a letter among the check digits', '12ABC34501DE3A'],
      ['a letter outside A-Z', '12ÁBC34501DE35'],
      ['a symbol', '12AB_34501DE35'],
    ])('rejects %s', (_label, input) => {
      expect(rejection(input)).toMatchObject({
        code: 'CNPJ_INVALID',
        message: expect.stringContaining('must be 14 characters'),
      });
    });
  });

  it.each([
    ['13 characters', '1122233300018'],
    ['15 characters', '112223330001810'],
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

  it('finds the valid plain CNPJs in a text, and only those', () => {
    const lettersThenElevenDigits = `ABC123450001${Cnpj.checkDigits('ABC123450001')}`;
    const text = `creditor ${lettersThenElevenDigits} and 12ABC34501DE35, not 12ABC34501DE36 nor x12ABC34501DE35`;
    expect(Cnpj.spansIn(text).map(([s, e]) => text.slice(s, e))).toEqual([lettersThenElevenDigits, '12ABC34501DE35']);
  });
});
