import { Cpf } from '@app/shared-kernel';
import { Rating, RatingProps } from '@app/credit-domain';
import { VALID_CPF } from './cpf.mother';
import { NOW } from './dates.mother';

export function aRatingProps(overrides: Partial<RatingProps> = {}): RatingProps {
  return {
    cpf: Cpf.parse(VALID_CPF),
    score: 720,
    band: 'B',
    probabilityOfDefault: 0.08,
    reasonCodes: [
      { code: 'INQUIRIES', pointsLost: 20, textPt: 'Muitas consultas recentes', textEn: 'Many recent inquiries' },
    ],
    improvement: null,
    modelVersion: 'test-1',
    generatedAt: NOW,
    validUntil: null,
    ...overrides,
  };
}

export function aRating(overrides: Partial<RatingProps> = {}): Rating {
  return Rating.create(aRatingProps(overrides));
}
