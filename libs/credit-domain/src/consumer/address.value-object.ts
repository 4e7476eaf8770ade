import { ValidationError } from '@app/shared-kernel';

/** The 27 federative units (UF) of Brazil. */
export const BRAZILIAN_STATES =
  'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' ');
const STATES = new Set(BRAZILIAN_STATES);

export interface AddressProps {
  street: string;
  number: string;
  complement?: string | null;
  district: string;
  city: string;
  state: string;
  postalCode: string;
}

export class Address {
  private constructor(readonly props: Readonly<AddressProps>) {}

  static create(input: AddressProps, field = 'address'): Address {
    const text = (name: keyof AddressProps, max: number): string => {
      const value = input[name];
      // Characters, not UTF-16 units: the limit the contract states (maxLength) and the DTO checks.
      if (typeof value !== 'string' || value.trim().length === 0 || [...value].length > max) {
        throw new ValidationError(
          'ADDRESS_INVALID',
          `${field}.${name}`,
          `must be non-empty text of at most ${max} characters`,
        );
      }
      return value.trim();
    };
    const state = text('state', 2).toUpperCase();
    if (!STATES.has(state))
      throw new ValidationError('ADDRESS_INVALID', `${field}.state`, 'must be a Brazilian state code (UF) such as SP');
    const rawPostalCode = text('postalCode', 9);
    const postalCode = rawPostalCode.replace('-', '');
    if (!/^\d{5}-?\d{3}$/.test(rawPostalCode))
      throw new ValidationError('ADDRESS_INVALID', `${field}.postalCode`, 'must be a CEP of 8 digits (00000-000)');
    const complement =
      input.complement == null || input.complement === '' ? null : String(input.complement).trim().slice(0, 120);
    return new Address({
      street: text('street', 200),
      number: text('number', 20),
      complement,
      district: text('district', 120),
      city: text('city', 120),
      state,
      postalCode,
    });
  }

  toJSON(): AddressProps {
    return { ...this.props };
  }
}
