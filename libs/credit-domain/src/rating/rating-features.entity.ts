import { CalendarDate, Cpf, Money, ValidationError } from '@app/shared-kernel';
import { Address } from '../consumer/address.value-object';
import { boundedAmount, dayWithin } from '../plausibility';

export const ASSET_KINDS = ['REAL_ESTATE', 'VEHICLE', 'INVESTMENT'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
export const INCOME_KINDS = ['SALARY', 'SELF_EMPLOYED', 'PENSION', 'RENTAL', 'BENEFIT', 'OTHER'] as const;
export type IncomeKind = (typeof INCOME_KINDS)[number];

interface Asset {
  kind: AssetKind;
  value: Money;
  financed: boolean;
  outstanding: Money;
}

interface IncomeSource {
  kind: IncomeKind;
  monthlyAmount: Money;
  since: CalendarDate;
}

interface RatingFeaturesProps {
  cpf: Cpf;
  birthDate: CalendarDate;
  address: Address;
  assets: Asset[];
  incomeSources: IncomeSource[];
  updatedAt: Date;
}

/** B_RATING inputs: what the person has and earns, from which a model derives a rating. */
export class RatingFeatures {
  private constructor(readonly props: Readonly<RatingFeaturesProps>) {}

  /**
   * `newInput` turns on the plausibility rules (amount ceilings, an income no older than 1900 nor than the person), so
   * features stored before a rule existed still load and can be replaced.
   */
  static create(
    input: {
      cpf: Cpf;
      birthDate: CalendarDate;
      address: Address;
      assets: { kind: string; valueCents: number; financed: boolean; outstandingCents: number }[];
      incomeSources: { kind: string; monthlyAmountCents: number; since: CalendarDate }[];
      updatedAt: Date;
    },
    options: { newInput?: boolean } = {},
  ): RatingFeatures {
    const today = CalendarDate.today(input.updatedAt);
    const age = input.birthDate.wholeYearsUntil(today);
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
      if (options.newInput) {
        boundedAmount(value.cents, 'assetValue', `${field}.valueCents`);
        boundedAmount(outstanding.cents, 'assetOutstanding', `${field}.outstandingCents`);
      }
      if (!a.financed && outstanding.isPositive()) {
        throw new ValidationError(
          'ASSET_INVALID',
          `${field}.outstandingCents`,
          'must be 0 when the asset is not financed',
        );
      }
      return { kind: a.kind as AssetKind, value, financed: a.financed, outstanding };
    });
    const incomeSources = input.incomeSources.map((s, i) => {
      const field = `incomeSources[${i}]`;
      if (!INCOME_KINDS.includes(s.kind as IncomeKind)) {
        throw new ValidationError('INCOME_INVALID', `${field}.kind`, `must be one of ${INCOME_KINDS.join(', ')}`);
      }
      if (s.since.isAfter(today)) {
        throw new ValidationError('INCOME_INVALID', `${field}.since`, 'must not be in the future');
      }
      const monthlyAmount = Money.nonNegative(s.monthlyAmountCents, `${field}.monthlyAmountCents`);
      if (options.newInput) {
        boundedAmount(monthlyAmount.cents, 'monthlyIncome', `${field}.monthlyAmountCents`);
        dayWithin(s.since, today, `${field}.since`);
        if (s.since.isBefore(input.birthDate))
          throw new ValidationError('INCOME_INVALID', `${field}.since`, 'must not be before the birth date');
      }
      return { kind: s.kind as IncomeKind, monthlyAmount, since: s.since };
    });
    return new RatingFeatures({
      cpf: input.cpf,
      birthDate: input.birthDate,
      address: input.address,
      assets,
      incomeSources,
      updatedAt: input.updatedAt,
    });
  }

  /** Age in whole years on the day it is in Brasília at `now`. */
  ageYears(now: Date): number {
    return this.props.birthDate.wholeYearsUntil(CalendarDate.today(now));
  }

  monthlyIncomeCents(): number {
    return Money.sum(
      this.props.incomeSources.map((i) => i.monthlyAmount),
      'incomeSources.monthlyAmountCents',
    ).cents;
  }

  assetsValueCents(): number {
    return Money.sum(
      this.props.assets.map((a) => a.value),
      'assets.valueCents',
    ).cents;
  }

  assetsOutstandingCents(): number {
    return Money.sum(
      this.props.assets.map((a) => a.outstanding),
      'assets.outstandingCents',
    ).cents;
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
