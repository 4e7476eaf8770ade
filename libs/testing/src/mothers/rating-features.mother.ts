import { CalendarDate, Cpf } from '@app/shared-kernel';
import { UpsertRatingFeaturesInput } from '@app/credit-application';
import { RatingFeatures } from '@app/credit-domain';
import { anAddress, anAddressInput } from './address.mother';
import { VALID_CPF } from './cpf.mother';
import { NOW } from './dates.mother';

type FeaturesCreateInput = Parameters<typeof RatingFeatures.create>[0];
type FeaturesOverrides = Partial<Omit<FeaturesCreateInput, 'cpf'>> & { cpf?: string };

/** A 35-year-old earning R$ 6.000 a month with a car still being paid off. */
export function aRatingFeatures(overrides: FeaturesOverrides = {}): RatingFeatures {
  const { cpf, ...rest } = overrides;
  return RatingFeatures.create({
    cpf: Cpf.parse(cpf ?? VALID_CPF),
    birthDate: CalendarDate.fromString('1990-03-10'),
    address: anAddress(),
    assets: [{ kind: 'VEHICLE', valueCents: 6_000_000, financed: true, outstandingCents: 2_000_000 }],
    incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 600_000, since: CalendarDate.fromString('2020-01-01') }],
    updatedAt: NOW,
    ...rest,
  });
}

export function aRatingFeaturesInput(overrides: Partial<UpsertRatingFeaturesInput> = {}): UpsertRatingFeaturesInput {
  return {
    cpf: VALID_CPF,
    birthDate: '1990-03-10',
    address: anAddressInput(),
    assets: [{ kind: 'VEHICLE', valueCents: 6_000_000, financed: true, outstandingCents: 2_000_000 }],
    incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 600_000, since: '2020-01-01' }],
    ...overrides,
  };
}
