import { ValidationError } from '@app/shared-kernel';
import { anAddressInput } from '@app/testing';
import { Address, AddressProps } from './address.value-object';

const ALL_UFS = 'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' ');

function rejection(overrides: Partial<AddressProps>, field?: string): ValidationError {
  try {
    Address.create(anAddressInput(overrides), field);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the address to be rejected');
}

describe('Address', () => {
  it('keeps a valid address, trimming text and storing the CEP as 8 digits', () => {
    const address = Address.create(anAddressInput({ street: '  Avenida Paulista ', postalCode: '01310-200' }));
    expect(address.toJSON()).toEqual({
      street: 'Avenida Paulista',
      number: '1578',
      complement: 'Apto 42',
      district: 'Bela Vista',
      city: 'São Paulo',
      state: 'SP',
      postalCode: '01310200',
    });
  });

  it('accepts a CEP written without the dash', () => {
    expect(Address.create(anAddressInput({ postalCode: '01310200' })).props.postalCode).toBe('01310200');
  });

  it.each(ALL_UFS)('accepts the state code %s', (uf) => {
    expect(Address.create(anAddressInput({ state: uf })).props.state).toBe(uf);
  });

  it('upper-cases a lower-case state code', () => {
    expect(Address.create(anAddressInput({ state: 'rj' })).props.state).toBe('RJ');
  });

  it('knows there are exactly 27 federative units', () => {
    expect(new Set(ALL_UFS).size).toBe(27);
  });

  it.each([
    ['a code that is no UF', 'XX'],
    ['a state written out', 'São Paulo'],
    ['one letter', 'S'],
    ['an empty state', ''],
  ])('rejects %s on address.state', (_label, state) => {
    expect(rejection({ state })).toMatchObject({ code: 'ADDRESS_INVALID', field: 'address.state' });
  });

  it.each([
    ['seven digits', '0131020'],
    ['nine digits', '013102000'],
    ['a letter', '01310-20A'],
    ['a hyphen in the wrong place', '0131-0200'],
    ['an empty CEP', ''],
  ])('rejects a CEP of %s on address.postalCode', (_label, postalCode) => {
    expect(rejection({ postalCode })).toMatchObject({ code: 'ADDRESS_INVALID', field: 'address.postalCode' });
  });

  it.each(['street', 'number', 'district', 'city'] as const)('requires a non-blank %s', (name) => {
    expect(rejection({ [name]: '   ' })).toMatchObject({ code: 'ADDRESS_INVALID', field: `address.${name}` });
  });

  it('rejects a street longer than 200 characters', () => {
    expect(rejection({ street: 'x'.repeat(201) }).field).toBe('address.street');
    expect(Address.create(anAddressInput({ street: 'x'.repeat(200) })).props.street).toHaveLength(200);
  });

  it("counts characters, not UTF-16 units, as the contract's maxLength does", () => {
    expect(Address.create(anAddressInput({ number: '𝟙'.repeat(20) })).props.number).toBe('𝟙'.repeat(20));
    expect(rejection({ number: '𝟙'.repeat(21) }).field).toBe('address.number');
  });

  it('stores an absent or empty complement as null', () => {
    expect(Address.create(anAddressInput({ complement: '' })).props.complement).toBeNull();
    expect(Address.create(anAddressInput({ complement: null })).props.complement).toBeNull();
    expect(Address.create(anAddressInput({ complement: undefined })).props.complement).toBeNull();
  });

  it('cuts a complement to 120 characters rather than rejecting it', () => {
    expect(Address.create(anAddressInput({ complement: 'c'.repeat(300) })).props.complement).toHaveLength(120);
  });

  it('prefixes field paths with the field it was given', () => {
    expect(rejection({ state: 'ZZ' }, 'features.address').field).toBe('features.address.state');
  });

  it('hands out a copy from toJSON, so callers cannot change the address', () => {
    const address = Address.create(anAddressInput());
    const json = address.toJSON();
    json.city = 'Elsewhere';
    expect(address.props.city).toBe('São Paulo');
  });
});
