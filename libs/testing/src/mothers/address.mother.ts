import { Address, AddressProps } from '@app/credit-domain';

export function anAddressInput(overrides: Partial<AddressProps> = {}): AddressProps {
  return {
    street: 'Avenida Paulista',
    number: '1578',
    complement: 'Apto 42',
    district: 'Bela Vista',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01310-200',
    ...overrides,
  };
}

export function anAddress(overrides: Partial<AddressProps> = {}): Address {
  return Address.create(anAddressInput(overrides));
}
