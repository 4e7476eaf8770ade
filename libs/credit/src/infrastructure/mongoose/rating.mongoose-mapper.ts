import { Cpf } from '@app/shared-kernel';
import { Rating, RatingBand } from '../../domain/rating/rating';
import { RatingHead, RatingWrite, Recency } from '../../domain/rating/rating-head';
import { partitionKeysOf } from '../../domain/rating/rating-partition';
import { RatingDoc, RatingFields, RatingHeadDoc, StoredRatingDoc } from './rating.mongoose-schema';

/** RatingHead without ratingId and cpf, as stored in RatingHeadDoc.head. */
type HeadTuple = [score: number, band: RatingBand, modelVersion: string, reasons: string, generatedAtMs: number,
  featuresAtMs: number | null, seq: number, previousScore: number | null];

export const RatingMongooseMapper = {
  toDomain(doc: StoredRatingDoc): Rating {
    const f: RatingFields = 'payload' in doc ? (JSON.parse(doc.payload) as RatingFields) : doc;
    return Rating.create({
      cpf: Cpf.parse(doc.cpf),
      score: f.score,
      band: f.band,
      probabilityOfDefault: f.probabilityOfDefault,
      reasonCodes: f.reasonCodes.map((r) => ({ code: r.code, pointsLost: r.pointsLost, textPt: r.textPt, textEn: r.textEn })),
      improvement: f.improvement
        ? { factor: f.improvement.factor, textPt: f.improvement.textPt, textEn: f.improvement.textEn, pointsGained: f.improvement.pointsGained }
        : null,
      modelVersion: f.modelVersion,
      generatedAt: doc.generatedAt,
    });
  },

  toPersistence({ rating, head }: RatingWrite): RatingDoc {
    const p = rating.props;
    const fields: RatingFields = {
      score: p.score,
      band: p.band,
      probabilityOfDefault: p.probabilityOfDefault,
      reasonCodes: p.reasonCodes.map((r) => ({ code: r.code, pointsLost: r.pointsLost, textPt: r.textPt, textEn: r.textEn })),
      improvement: p.improvement
        ? { factor: p.improvement.factor, textPt: p.improvement.textPt, textEn: p.improvement.textEn, pointsGained: p.improvement.pointsGained }
        : null,
      modelVersion: p.modelVersion,
    };
    return { _id: head.ratingId, cpf: p.cpf.value, generatedAt: p.generatedAt, featuresAt: head.featuresAt, seq: head.seq, payload: JSON.stringify(fields) };
  },

  /** Recency of a stored rating: legacy documents have neither featuresAt nor seq and sort before any rating with them. */
  recency(doc: StoredRatingDoc): Recency {
    const current = 'payload' in doc;
    return { featuresAt: current ? (doc.featuresAt ?? null) : null, seq: current ? doc.seq : 0, generatedAt: doc.generatedAt, id: String(doc._id) };
  },
};

export const RatingHeadMongooseMapper = {
  toDomain(doc: RatingHeadDoc): RatingHead {
    const [score, band, modelVersion, reasons, generatedAtMs, featuresAtMs, seq, previousScore] = JSON.parse(doc.head) as HeadTuple;
    return {
      ratingId: doc._id, cpf: doc.cpf, score, band, modelVersion, reasons, generatedAt: new Date(generatedAtMs),
      featuresAt: featuresAtMs === null ? null : new Date(featuresAtMs), seq, previousScore,
    };
  },

  toPersistence(h: RatingHead): RatingHeadDoc {
    const tuple: HeadTuple = [h.score, h.band, h.modelVersion, h.reasons, h.generatedAt.getTime(), h.featuresAt?.getTime() ?? null,
      h.seq, h.previousScore];
    return { _id: h.ratingId, cpf: h.cpf, ...partitionKeysOf(h.cpf), head: JSON.stringify(tuple) };
  },
};
