import { DomainError, NotFoundError, ValidationError } from './domain-error';

describe('domain errors', () => {
  it('a ValidationError carries its code, the field to blame and the reason', () => {
    const error = new ValidationError('CPF_INVALID', 'cpf', 'check digits do not match');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: 'CPF_INVALID',
      field: 'cpf',
      message: 'check digits do not match',
      name: 'ValidationError',
    });
  });

  it('a NotFoundError carries a code and blames no field', () => {
    const error = new NotFoundError('CONSUMER_NOT_FOUND', 'nobody here');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CONSUMER_NOT_FOUND', field: undefined, name: 'NotFoundError' });
  });

  it('a subclass reports its own name', () => {
    class TooLate extends NotFoundError {}
    expect(new TooLate('X', 'y').name).toBe('TooLate');
  });
});
