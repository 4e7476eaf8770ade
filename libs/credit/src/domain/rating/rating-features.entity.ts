import { Cpf, Money, ValidationError, yearsBetween } from '@app/shared-kernel';
import { Address } from '../consumer/address.value-object';

export const ASSET_KINDS = ['REAL_ESTATE', 'VEHICLE', 'INVESTMENT'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
export const INCOME_KINDS = ['SALARY', 'SELF_EMPLOYED', 'PENSION', 'RENTAL', 'BENEFIT', 'OTHER'] as const;
export type IncomeKind = (typeof INCOME_KINDS)[number];

export interface Asset {
  kind: AssetKind;
  value: Money;
  financed: boolean;
  outstanding: Money;
}

export interface IncomeSource {
  kind: IncomeKind;
  monthlyAmount: Money;
  since: Date;
}

export interface RatingFeaturesProps {
  cpf: Cpf;
  birthDate: Date;
  address: Address;
  assets: Asset[];
  incomeSources: IncomeSource[];
  updatedAt: Date;
}

/** B_RATING inputs: what the person has and earns, from which a model derives a rating. */
export class RatingFeatures {
  private constructor(readonly props: Readonly<RatingFeaturesProps>) {}

  static create(
    input: {
      cpf: Cpf;
      birthDate: Date;
      address: Address;
      assets: { kind: string; valueCents: number; financed: boolean; outstandingCents: number }[];
      incomeSources: { kind: string; monthlyAmountCents: number; since: Date }[];
      updatedAt: Date;
    },
  ): RatingFeatures {
    const age = yearsBetween(input.birthDate, input.updatedAt);
    if (age < 18 || age > 120) {
      throw new ValidationError('BIRTH_DATE_INVALID', 'birthDate', 'the consumer must be between 18 and 120 years old');
    }
    const assets = input.assets.map((a, i) => {
      const field = `assets[${i}]`;
      if (!ASSET_KINDS.includes(a.kind as AssetKind)) {
        throw new ValidationError('ASSET_INVALID', `${field}.kind`, `must be one of ${ASSET_KINDS.join(', ')}`);
      }
      const value = Money.nonNegative(a.valueCents, `${field}.valueCents`);
      const outstanding = Money.nonNegative(a.outstandingCents, `${field}.outstandingCents`);
      if (!a.financed && outstanding.isPositive()) {
        throw new ValidationError('ASSET_INVALID', `${field}.outstandingCents`, 'must be 0 when the asset is not financed');
      }
      return { kind: a.kind as AssetKind, value, financed: a.financed, outstanding };
    });
    const incomeSources = input.incomeSources.map((s, i) => {
      const field = `incomeSources[${i}]`;
      if (!INCOME_KINDS.includes(s.kind as IncomeKind)) {
        throw new ValidationError('INCOME_INVALID', `${field}.kind`, `must be one of ${INCOME_KINDS.join(', ')}`);
      }
      if (s.since.getTime() > input.updatedAt.getTime()) {
        throw new ValidationError('INCOME_INVALID', `${field}.since`, 'must not be in the future');
      }
      return { kind: s.kind as IncomeKind, monthlyAmount: Money.nonNegative(s.monthlyAmountCents, `${field}.monthlyAmountCents`), since: s.since };
    });
    return new RatingFeatures({ cpf: input.cpf, birthDate: input.birthDate, address: input.address, assets, incomeSources, updatedAt: input.updatedAt });
  }

  ageYears(now: Date): number {
    return yearsBetween(this.props.birthDate, now);
  }

  monthlyIncomeCents(): number {
    return this.props.incomeSources.reduce((s, i) => s + i.monthlyAmount.cents, 0);
  }

  /** The same CPF with the same inputs and the same `updatedAt`: a rating computed from either is the same rating. */
  sameAs(other: RatingFeatures | null): boolean {
    return other !== null && this.props.cpf.equals(other.props.cpf) && canonical(this) === canonical(other);
  }
}

function canonical(f: RatingFeatures): string {
  const { cpf, address, ...rest } = f.props;
  return JSON.stringify({ ...rest, cpf: cpf.value, address: address.props });
}
