import { Cpf } from '@app/shared-kernel';
import { Rating } from '../../domain/rating/rating';
import { RatingDoc } from './rating.mongoose-schema';

export const RatingMongooseMapper = {
  toDomain(doc: RatingDoc): Rating {
    return Rating.create({
      cpf: Cpf.parse(doc.cpf),
      score: doc.score,
      band: doc.band,
      probabilityOfDefault: doc.probabilityOfDefault,
      reasonCodes: doc.reasonCodes.map((r) => ({ code: r.code, pointsLost: r.pointsLost, textPt: r.textPt, textEn: r.textEn })),
      improvement: doc.improvement
        ? { factor: doc.improvement.factor, textPt: doc.improvement.textPt, textEn: doc.improvement.textEn, pointsGained: doc.improvement.pointsGained }
        : null,
      modelVersion: doc.modelVersion,
      generatedAt: doc.generatedAt,
      // Stored before validity was kept: nobody knows what it rested on, so it is served no more (re-rated on read).
      validUntil: doc.validUntil === undefined ? doc.generatedAt : doc.validUntil,
    });
  },

  toPersistence(rating: Rating): RatingDoc {
    const p = rating.props;
    return {
      cpf: p.cpf.value,
      score: p.score,
      band: p.band,
      probabilityOfDefault: p.probabilityOfDefault,
      reasonCodes: p.reasonCodes.map((r) => ({ code: r.code, pointsLost: r.pointsLost, textPt: r.textPt, textEn: r.textEn })),
      improvement: p.improvement
        ? { factor: p.improvement.factor, textPt: p.improvement.textPt, textEn: p.improvement.textEn, pointsGained: p.improvement.pointsGained }
        : null,
      modelVersion: p.modelVersion,
      generatedAt: p.generatedAt,
      validUntil: p.validUntil,
    };
  },
};
