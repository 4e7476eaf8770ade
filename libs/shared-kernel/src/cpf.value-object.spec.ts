import { Cpf } from './cpf.value-object';
import { ValidationError } from './domain-error';

function rejection(input: unknown, field?: string): ValidationError {
  try {
    Cpf.parse(input, field);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('Cpf', () => {
  describe('accepted forms', () => {
    it('accepts 11 digits and keeps them as its value', () => {
      expect(Cpf.parse('12345678909').value).toBe('12345678909');
    });

    it('accepts the formatted form 000.000.000-00 and normalises it to digits', () => {
      expect(Cpf.parse('123.456.789-09').value).toBe('12345678909');
    });

    it('ignores surrounding whitespace', () => {
      expect(Cpf.parse('  123.456.789-09\n').value).toBe('12345678909');
    });

    it('treats the digit and formatted forms of one number as equal', () => {
      expect(Cpf.parse('12345678909').equals(Cpf.parse('123.456.789-09'))).toBe(true);
      expect(Cpf.parse('12345678909').equals(Cpf.parse('98765432100'))).toBe(false);
    });
  });

  describe('check digits', () => {
    it('computes both check digits of a 9-digit base (mod 11)', () => {
      expect(Cpf.checkDigits('123456789')).toBe('09');
      expect(Cpf.checkDigits('987654321')).toBe('00');
    });

    it('rejects 123.456.789-00, whose check digits do not match', () => {
      const error = rejection('123.456.789-00');
      expect(error.code).toBe('CPF_INVALID');
      expect(error.message).toBe('check digits do not match');
    });

    it('rejects a CPF whose first check digit alone is wrong', () => {
      expect(rejection('12345678919').message).toBe('check digits do not match');
    });

    it('rejects a CPF whose second check digit alone is wrong', () => {
      expect(rejection('12345678908').message).toBe('check digits do not match');
    });
  });

  describe('repeated-digit numbers', () => {
    it.each(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])(
      'rejects %s repeated eleven times although its check digits are arithmetically right',
      (d) => {
        expect(Cpf.checkDigits(d.repeat(9))).toBe(d + d);
        const error = rejection(d.repeat(11));
        expect(error.code).toBe('CPF_INVALID');
        expect(error.message).toMatch(/repeated digit/);
      },
    );

    it('rejects the formatted 111.111.111-11', () => {
      expect(rejection('111.111.111-11').code).toBe('CPF_INVALID');
    });
  });

  describe('malformed input', () => {
    it.each([
      ['ten digits', '1234567890'],
      ['twelve digits', '123456789090'],
      ['empty text', ''],
      ['letters', 'abcdefghijk'],
      ['a letter among digits', '1234567890a'],
      ['mixed format 123.456.78909', '123.456.78909'],
      ['mixed format 123456789-09', '123456789-09'],
      ['dots in place of the dash', '123.456.789.09'],
      ['spaces inside', '123 456 789 09'],
    ])('rejects %s with CPF_INVALID', (_label, input) => {
      expect(rejection(input).code).toBe('CPF_INVALID');
    });

    it.each([
      ['a number', 12345678909],
      ['null', null],
      ['undefined', undefined],
      ['an object', { value: '12345678909' }],
    ])('rejects %s: only text is a CPF', (_label, input) => {
      expect(rejection(input).code).toBe('CPF_INVALID');
    });

    it('names the field it was given, defaulting to cpf', () => {
      expect(rejection('123').field).toBe('cpf');
      expect(rejection('123', 'cpfs[3]').field).toBe('cpfs[3]');
    });

    it('answers isValid without throwing', () => {
      expect(Cpf.isValid('123.456.789-09')).toBe(true);
      expect(Cpf.isValid('123.456.789-00')).toBe(false);
      expect(Cpf.isValid(42)).toBe(false);
    });

    it('answers tryParse with the same CPF as parse, or null where parse throws', () => {
      expect(Cpf.tryParse(' 123.456.789-09 ')?.value).toBe(Cpf.parse(' 123.456.789-09 ').value);
      for (const bad of ['123.456.789-00', '111.111.111-11', '1234567890', 42, null]) {
        expect(Cpf.tryParse(bad)).toBeNull();
        expect(() => Cpf.parse(bad)).toThrow();
      }
    });
  });

  describe('disclosure', () => {
    const cpf = Cpf.parse('123.456.789-09');

    it('masks as ***.456.789-**', () => {
      expect(cpf.masked).toBe('***.456.789-**');
    });

    it('formats as 123.456.789-09 when asked explicitly', () => {
      expect(cpf.formatted).toBe('123.456.789-09');
    });

    it('never reveals the full CPF through toString or string interpolation', () => {
      expect(cpf.toString()).toBe('***.456.789-**');
      expect(`${cpf}`).toBe('***.456.789-**');
      expect(String(cpf)).not.toContain('123');
    });

    it('never reveals the full CPF when serialised to JSON', () => {
      const json = JSON.stringify({ cpf, nested: [cpf] });
      expect(json).toBe('{"cpf":"***.456.789-**","nested":["***.456.789-**"]}');
      expect(json).not.toContain('12345678909');
      expect(json).not.toContain('123.456.789-09');
    });
  });
});

describe('Cpf under util.inspect', () => {
  it('shows only the masked form, as console.log would print it', () => {
    const text = require('node:util').inspect({ cpf: Cpf.parse('123.456.789-09') });
    expect(text).toContain('***.456.789-**');
    expect(text).not.toContain('12345678909');
  });
});
