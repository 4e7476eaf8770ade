import { CalendarDate } from '@app/shared-kernel';
import { NOW, TODAY, VALID_CPF, aDay, aRatingFeatures, anAddress, daysAfter, daysAhead, rejection } from '@app/testing';
import { RatingFeatures } from './rating-features.entity';

const asset = (
  overrides: Partial<{ kind: string; valueCents: number; financed: boolean; outstandingCents: number }> = {},
) => ({
  kind: 'VEHICLE',
  valueCents: 5_000_000,
  financed: false,
  outstandingCents: 0,
  ...overrides,
});
const income = (overrides: Partial<{ kind: string; monthlyAmountCents: number; since: CalendarDate }> = {}) => ({
  kind: 'SALARY',
  monthlyAmountCents: 400_000,
  since: aDay('2022-01-01'),
  ...overrides,
});

describe('RatingFeatures', () => {
  it('keeps valid features and derives age and monthly income', () => {
    const features = aRatingFeatures({
      incomeSources: [income({ monthlyAmountCents: 400_000 }), income({ kind: 'RENTAL', monthlyAmountCents: 150_000 })],
    });
    expect(features.props.cpf.value).toBe(VALID_CPF);
    expect(features.ageYears(NOW)).toBe(35);
    expect(features.monthlyIncomeCents()).toBe(550_000);
  });

  describe('age, measured on the update date', () => {
    it('accepts a consumer who turns 18 that very day', () => {
      expect(aRatingFeatures({ birthDate: TODAY.plusYears(-18) }).ageYears(NOW)).toBe(18);
    });

    it('rejects a consumer one day short of 18', () => {
      const error = rejection(() => aRatingFeatures({ birthDate: TODAY.plusYears(-18).plusDays(1) }));
      expect(error).toMatchObject({ code: 'BIRTH_DATE_INVALID', field: 'birthDate' });
    });

    it('accepts 120 years and rejects 121', () => {
      expect(aRatingFeatures({ birthDate: TODAY.plusYears(-120) }).ageYears(NOW)).toBe(120);
      expect(rejection(() => aRatingFeatures({ birthDate: TODAY.plusYears(-121) })).code).toBe('BIRTH_DATE_INVALID');
    });

    it('rejects a birth date in the future', () => {
      expect(rejection(() => aRatingFeatures({ birthDate: daysAhead(1) })).code).toBe('BIRTH_DATE_INVALID');
    });
  });

  describe('assets', () => {
    it('requires outstanding to be 0 when the asset is not financed', () => {
      const error = rejection(() =>
        aRatingFeatures({ assets: [asset(), asset({ financed: false, outstandingCents: 1 })] }),
      );
      expect(error).toMatchObject({ code: 'ASSET_INVALID', field: 'assets[1].outstandingCents' });
    });

    it('allows an outstanding balance on a financed asset', () => {
      const features = aRatingFeatures({ assets: [asset({ financed: true, outstandingCents: 1_000_000 })] });
      expect(features.props.assets[0].outstanding.cents).toBe(1_000_000);
    });

    it('rejects an unknown kind of asset', () => {
      expect(rejection(() => aRatingFeatures({ assets: [asset({ kind: 'YACHT' })] }))).toMatchObject({
        code: 'ASSET_INVALID',
        field: 'assets[0].kind',
      });
    });

    it('rejects a negative value', () => {
      expect(rejection(() => aRatingFeatures({ assets: [asset({ valueCents: -1 })] }))).toMatchObject({
        code: 'MONEY_INVALID',
        field: 'assets[0].valueCents',
      });
    });
  });

  describe('income sources', () => {
    it('rejects an income that starts after the update day', () => {
      const error = rejection(() => aRatingFeatures({ incomeSources: [income({ since: daysAhead(1) })] }));
      expect(error).toMatchObject({ code: 'INCOME_INVALID', field: 'incomeSources[0].since' });
    });

    it('accepts an income that starts on the update day', () => {
      expect(aRatingFeatures({ incomeSources: [income({ since: TODAY })] }).props.incomeSources).toHaveLength(1);
    });

    it('rejects an unknown kind of income', () => {
      expect(
        rejection(() => aRatingFeatures({ incomeSources: [income(), income({ kind: 'LOTTERY' })] })),
      ).toMatchObject({
        code: 'INCOME_INVALID',
        field: 'incomeSources[1].kind',
      });
    });

    it('rejects a fractional monthly amount', () => {
      expect(rejection(() => aRatingFeatures({ incomeSources: [income({ monthlyAmountCents: 0.5 })] }))).toMatchObject({
        code: 'MONEY_INVALID',
        field: 'incomeSources[0].monthlyAmountCents',
      });
    });

    it('has zero monthly income when it has no sources', () => {
      expect(aRatingFeatures({ incomeSources: [] }).monthlyIncomeCents()).toBe(0);
    });
  });

  describe('sameAs', () => {
    it('holds for features built from the same inputs, and not for null', () => {
      expect(aRatingFeatures().sameAs(aRatingFeatures())).toBe(true);
      expect(aRatingFeatures().sameAs(null)).toBe(false);
    });

    it('tells apart another CPF, another input, another address and another update time', () => {
      const base = aRatingFeatures();
      expect(base.sameAs(aRatingFeatures({ cpf: '52998224725' }))).toBe(false);
      expect(
        base.sameAs(
          aRatingFeatures({ incomeSources: [income({ monthlyAmountCents: 600_001, since: aDay('2020-01-01') })] }),
        ),
      ).toBe(false);
      expect(base.sameAs(aRatingFeatures({ assets: [] }))).toBe(false);
      expect(base.sameAs(aRatingFeatures({ address: anAddress({ city: 'Campinas' }) }))).toBe(false);
      expect(base.sameAs(aRatingFeatures({ updatedAt: daysAfter(NOW, 1) }))).toBe(false);
    });
  });

  describe('age on the Brasília calendar', () => {
    const born = aDay('1990-06-15');
    const features = aRatingFeatures({ birthDate: born });

    it.each([
      ['21:00', '2025-06-15T00:00:00Z'],
      ['22:30', '2025-06-15T01:30:00Z'],
      ['23:59', '2025-06-15T02:59:59Z'],
    ])('is not a year older at %s BRT on the eve of the birthday, though UTC is on the birthday', (_l, instant) => {
      expect(features.ageYears(new Date(instant))).toBe(34);
    });

    it('is a year older from 00:00 BRT of the birthday', () => {
      expect(features.ageYears(new Date('2025-06-15T03:00:00Z'))).toBe(35);
    });

    it('makes someone born on 29 February a year older on 1 March of a common year', () => {
      const leapling = aRatingFeatures({ birthDate: aDay('2000-02-29'), updatedAt: new Date('2025-03-01T03:00:00Z') });
      expect(leapling.ageYears(new Date('2025-03-01T02:59:59Z'))).toBe(24);
      expect(leapling.ageYears(new Date('2025-03-01T03:00:00Z'))).toBe(25);
      expect(leapling.ageYears(new Date('2028-02-29T03:00:00Z'))).toBe(28);
    });

    it('accepts someone who turns 18 at 00:00 BRT of the update day, not at 21:00 the evening before', () => {
      const eighteenToday = TODAY.plusYears(-18);
      expect(
        aRatingFeatures({ birthDate: eighteenToday, updatedAt: new Date('2025-06-15T03:00:00Z') }).ageYears(NOW),
      ).toBe(18);
      expect(
        rejection(() => aRatingFeatures({ birthDate: eighteenToday, updatedAt: new Date('2025-06-15T00:30:00Z') }))
          .code,
      ).toBe('BIRTH_DATE_INVALID');
    });
  });

  describe('plausibility of new input', () => {
    const create = (overrides: Partial<Parameters<typeof RatingFeatures.create>[0]>) =>
      RatingFeatures.create(
        {
          ...aRatingFeatures().props,
          ...overrides,
          assets: overrides.assets ?? [],
          incomeSources: overrides.incomeSources ?? [],
        },
        { newInput: true },
      );

    it.each([
      [
        'an asset worth more than R$ 1 billion',
        { assets: [asset({ valueCents: 100_000_000_001 })] },
        'assets[0].valueCents',
      ],
      [
        'a financed balance above R$ 1 billion',
        { assets: [asset({ financed: true, outstandingCents: 100_000_000_001 })] },
        'assets[0].outstandingCents',
      ],
      [
        'a monthly income above R$ 100 million',
        { incomeSources: [income({ monthlyAmountCents: 10_000_000_001 })] },
        'incomeSources[0].monthlyAmountCents',
      ],
    ])('refuses %s with AMOUNT_OUT_OF_RANGE', (_l, overrides, field) => {
      expect(rejection(() => create(overrides))).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', field });
    });

    it('refuses an income that began before 1900 or before the person was born', () => {
      expect(rejection(() => create({ incomeSources: [income({ since: aDay('0001-01-01') })] }))).toMatchObject({
        code: 'DATE_OUT_OF_RANGE',
        field: 'incomeSources[0].since',
      });
      expect(rejection(() => create({ incomeSources: [income({ since: aDay('1990-03-09') })] }))).toMatchObject({
        code: 'INCOME_INVALID',
        field: 'incomeSources[0].since',
      });
    });

    it('accepts the ceilings themselves', () => {
      const features = create({
        assets: [asset({ valueCents: 100_000_000_000 })],
        incomeSources: [income({ monthlyAmountCents: 10_000_000_000 })],
      });
      expect(features.assetsValueCents()).toBe(100_000_000_000);
      expect(features.monthlyIncomeCents()).toBe(10_000_000_000);
    });
  });
});
