import { aRating, aRatingProps, rejection } from '@app/testing';
import { Rating, ReasonCode } from './rating';

const reason = (code: string): ReasonCode => ({ code, pointsLost: 10, textPt: code, textEn: code });

describe('Rating', () => {
  it.each([0, 1, 500, 1000])('accepts the integer score %i', (score) => {
    expect(aRating({ score }).props.score).toBe(score);
  });

  it.each([-1, 1001, 500.5, Number.NaN])('rejects the score %p with RATING_INVALID', (score) => {
    expect(rejection(() => aRating({ score }))).toMatchObject({ code: 'RATING_INVALID', field: 'score' });
  });

  it.each([0, 0.5, 1])('accepts the probability of default %p', (probabilityOfDefault) => {
    expect(aRating({ probabilityOfDefault }).props.probabilityOfDefault).toBe(probabilityOfDefault);
  });

  it.each([-0.01, 1.01, Number.NaN])('rejects the probability of default %p', (probabilityOfDefault) => {
    expect(rejection(() => aRating({ probabilityOfDefault }))).toMatchObject({
      code: 'RATING_INVALID',
      field: 'probabilityOfDefault',
    });
  });

  it('accepts four reason codes and rejects a fifth', () => {
    const four = ['A', 'B', 'C', 'D'].map(reason);
    expect(aRating({ reasonCodes: four }).props.reasonCodes).toHaveLength(4);
    expect(rejection(() => aRating({ reasonCodes: [...four, reason('E')] }))).toMatchObject({
      code: 'RATING_INVALID',
      field: 'reasonCodes',
    });
  });

  it('keeps its own copy of the reason codes', () => {
    const reasonCodes = [reason('A')];
    const rating = Rating.create(aRatingProps({ reasonCodes }));
    reasonCodes.push(reason('B'));
    expect(rating.props.reasonCodes.map((r) => r.code)).toEqual(['A']);
  });

  describe('sameOutcomeAs', () => {
    it('is the same outcome with equal score, band and model version, whenever generated', () => {
      const a = aRating({ generatedAt: new Date('2025-01-01T00:00:00Z') });
      const b = aRating({ generatedAt: new Date('2025-02-01T00:00:00Z'), probabilityOfDefault: 0.09 });
      expect(a.sameOutcomeAs(b)).toBe(true);
    });

    it('differs when score, band or model version differ', () => {
      const base = aRating();
      expect(base.sameOutcomeAs(aRating({ score: 721 }))).toBe(false);
      expect(base.sameOutcomeAs(aRating({ band: 'C' }))).toBe(false);
      expect(base.sameOutcomeAs(aRating({ modelVersion: 'test-2' }))).toBe(false);
    });

    it('differs from no previous rating', () => {
      expect(aRating().sameOutcomeAs(null)).toBe(false);
    });
  });
});
