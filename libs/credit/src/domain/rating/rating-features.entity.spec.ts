import { ValidationError, addYears } from '@app/shared-kernel';
import { NOW, VALID_CPF, aRatingFeatures, anAddress, daysAfter } from '@app/testing';
import { rejection } from '../../../../testing/src/rejection';

const asset = (overrides: Partial<{ kind: string; valueCents: number; financed: boolean; outstandingCents: number }> = {}) => ({
  kind: 'VEHICLE', valueCents: 5_000_000, financed: false, outstandingCents: 0, ...overrides,
});
const income = (overrides: Partial<{ kind: string; monthlyAmountCents: number; since: Date }> = {}) => ({
  kind: 'SALARY', monthlyAmountCents: 400_000, since: new Date('2022-01-01T00:00:00Z'), ...overrides,
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
      expect(aRatingFeatures({ birthDate: addYears(NOW, -18) }).ageYears(NOW)).toBe(18);
    });

    it('rejects a consumer one day short of 18', () => {
      const error = rejection(() => aRatingFeatures({ birthDate: daysAfter(addYears(NOW, -18), 1) }));
      expect(error).toMatchObject({ code: 'BIRTH_DATE_INVALID', field: 'birthDate' });
    });

    it('accepts 120 years and rejects 121', () => {
      expect(aRatingFeatures({ birthDate: addYears(NOW, -120) }).ageYears(NOW)).toBe(120);
      expect(rejection(() => aRatingFeatures({ birthDate: addYears(NOW, -121) })).code).toBe('BIRTH_DATE_INVALID');
    });

    it('rejects a birth date in the future', () => {
      expect(rejection(() => aRatingFeatures({ birthDate: daysAfter(NOW, 1) })).code).toBe('BIRTH_DATE_INVALID');
    });
  });

  describe('assets', () => {
    it('requires outstanding to be 0 when the asset is not financed', () => {
      const error = rejection(() => aRatingFeatures({ assets: [asset(), asset({ financed: false, outstandingCents: 1 })] }));
      expect(error).toMatchObject({ code: 'ASSET_INVALID', field: 'assets[1].outstandingCents' });
    });

    it('allows an outstanding balance on a financed asset', () => {
      const features = aRatingFeatures({ assets: [asset({ financed: true, outstandingCents: 1_000_000 })] });
      expect(features.props.assets[0].outstanding.cents).toBe(1_000_000);
    });

    it('rejects an unknown kind of asset', () => {
      expect(rejection(() => aRatingFeatures({ assets: [asset({ kind: 'YACHT' })] }))).toMatchObject({ code: 'ASSET_INVALID', field: 'assets[0].kind' });
    });

    it('rejects a negative value', () => {
      expect(rejection(() => aRatingFeatures({ assets: [asset({ valueCents: -1 })] }))).toMatchObject({ code: 'MONEY_INVALID', field: 'assets[0].valueCents' });
    });
  });

  describe('income sources', () => {
    it('rejects an income that starts after the update date', () => {
      const error = rejection(() => aRatingFeatures({ incomeSources: [income({ since: new Date(NOW.getTime() + 1) })] }));
      expect(error).toMatchObject({ code: 'INCOME_INVALID', field: 'incomeSources[0].since' });
    });

    it('accepts an income that starts on the update instant', () => {
      expect(aRatingFeatures({ incomeSources: [income({ since: new Date(NOW.getTime()) })] }).props.incomeSources).toHaveLength(1);
    });

    it('rejects an unknown kind of income', () => {
      expect(rejection(() => aRatingFeatures({ incomeSources: [income(), income({ kind: 'LOTTERY' })] }))).toMatchObject({
        code: 'INCOME_INVALID', field: 'incomeSources[1].kind',
      });
    });

    it('rejects a fractional monthly amount', () => {
      expect(rejection(() => aRatingFeatures({ incomeSources: [income({ monthlyAmountCents: 0.5 })] }))).toMatchObject({
        code: 'MONEY_INVALID', field: 'incomeSources[0].monthlyAmountCents',
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
      expect(base.sameAs(aRatingFeatures({ incomeSources: [income({ monthlyAmountCents: 600_001, since: new Date('2020-01-01T00:00:00Z') })] }))).toBe(false);
      expect(base.sameAs(aRatingFeatures({ assets: [] }))).toBe(false);
      expect(base.sameAs(aRatingFeatures({ address: anAddress({ city: 'Campinas' }) }))).toBe(false);
      expect(base.sameAs(aRatingFeatures({ updatedAt: daysAfter(NOW, 1) }))).toBe(false);
    });
  });
});
