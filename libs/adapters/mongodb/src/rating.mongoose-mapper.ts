import { Cpf } from '@app/shared-kernel';
import { Rating, RatingBand, RatingHead, RatingWrite, Recency, reasonsKey, partitionKeysOf } from '@app/credit-domain';
import { RatingDoc, RatingFields, RatingHeadDoc, StoredRatingDoc } from './rating.mongoose-schema';

/** RatingHead without ratingId and cpf, as stored in RatingHeadDoc.head. */
type HeadTuple = [
  score: number,
  band: RatingBand,
  modelVersion: string,
  reasons: string,
  generatedAtMs: number,
  featuresAtMs: number | null,
  seq: number,
  previousScore: number | null,
  validUntilMs: number | null,
];

/** A head in a snapshot page: its CPF and rating id first, then the rest. */
export type PageTuple = [cpf: string, ratingId: string, ...HeadTuple];

const toTuple = (h: RatingHead): HeadTuple => [
  h.score,
  h.band,
  h.modelVersion,
  h.reasons,
  h.generatedAt.getTime(),
  h.featuresAt?.getTime() ?? null,
  h.seq,
  h.previousScore,
  h.validUntil?.getTime() ?? null,
];

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

const fromTuple = (cpf: string, ratingId: string, tuple: HeadTuple): RatingHead => {
  const [score, band, modelVersion, reasons, generatedAtMs, featuresAtMs, seq, previousScore, validUntilMs] = tuple;
  const generatedAt = new Date(generatedAtMs);
  // A head stored before validity was kept: valid until its generation, as the rating it summarises (re-rated once).
  const validUntil = validUntilMs === undefined ? generatedAt : date(validUntilMs);
  return {
    ratingId,
    cpf,
    score,
    band,
    modelVersion,
    reasons,
    generatedAt,
    featuresAt: date(featuresAtMs),
    seq,
    previousScore,
    validUntil,
  };
};

export const RatingMongooseMapper = {
  toDomain(doc: StoredRatingDoc): Rating {
    const f: RatingFields = 'payload' in doc ? (JSON.parse(doc.payload) as RatingFields) : doc;
    return Rating.create({
      cpf: Cpf.parse(doc.cpf),
      score: f.score,
      band: f.band,
      probabilityOfDefault: f.probabilityOfDefault,
      reasonCodes: f.reasonCodes.map((r) => ({
        code: r.code,
        pointsLost: r.pointsLost,
        textPt: r.textPt,
        textEn: r.textEn,
      })),
      improvement: f.improvement
        ? {
            factor: f.improvement.factor,
            textPt: f.improvement.textPt,
            textEn: f.improvement.textEn,
            pointsGained: f.improvement.pointsGained,
          }
        : null,
      modelVersion: f.modelVersion,
      generatedAt: doc.generatedAt,
      // Stored before validity was kept: nobody knows what it rested on, so it is served no more (re-rated on read).
      validUntil: doc.validUntil === undefined ? doc.generatedAt : doc.validUntil,
    });
  },

  toPersistence({ rating, head }: RatingWrite): RatingDoc {
    const p = rating.props;
    const fields: RatingFields = {
      score: p.score,
      band: p.band,
      probabilityOfDefault: p.probabilityOfDefault,
      reasonCodes: p.reasonCodes.map((r) => ({
        code: r.code,
        pointsLost: r.pointsLost,
        textPt: r.textPt,
        textEn: r.textEn,
      })),
      improvement: p.improvement
        ? {
            factor: p.improvement.factor,
            textPt: p.improvement.textPt,
            textEn: p.improvement.textEn,
            pointsGained: p.improvement.pointsGained,
          }
        : null,
      modelVersion: p.modelVersion,
    };
    return {
      _id: head.ratingId,
      cpf: p.cpf.value,
      generatedAt: p.generatedAt,
      featuresAt: head.featuresAt,
      seq: head.seq,
      previousScore: head.previousScore,
      validUntil: p.validUntil,
      payload: JSON.stringify(fields),
    };
  },

  /**
   * Recency of a stored rating: legacy documents have neither featuresAt nor seq and sort before any rating with them.
   */
  recency(doc: StoredRatingDoc): Recency {
    const current = 'payload' in doc;
    return {
      featuresAt: current ? (doc.featuresAt ?? null) : null,
      seq: current ? doc.seq : 0,
      generatedAt: doc.generatedAt,
      id: String(doc._id),
    };
  },

  /** The head of a stored rating, legacy ones included. */
  headOf(doc: StoredRatingDoc): RatingHead {
    const rating = RatingMongooseMapper.toDomain(doc);
    const { featuresAt, seq } = RatingMongooseMapper.recency(doc);
    const p = rating.props;
    return {
      ratingId: String(doc._id),
      cpf: doc.cpf,
      score: p.score,
      band: p.band,
      modelVersion: p.modelVersion,
      reasons: reasonsKey(rating),
      generatedAt: p.generatedAt,
      featuresAt,
      seq,
      previousScore: 'payload' in doc ? (doc.previousScore ?? null) : null,
      validUntil: p.validUntil,
    };
  },
};

export const RatingHeadMongooseMapper = {
  toDomain(doc: RatingHeadDoc): RatingHead {
    return fromTuple(doc.cpf, doc._id, JSON.parse(doc.head) as HeadTuple);
  },

  toPersistence(h: RatingHead): RatingHeadDoc {
    return { _id: h.ratingId, cpf: h.cpf, ...partitionKeysOf(h.cpf), head: JSON.stringify(toTuple(h)) };
  },

  toPage(h: RatingHead): PageTuple {
    return [h.cpf, h.ratingId, ...toTuple(h)];
  },

  fromPage([cpf, ratingId, ...rest]: PageTuple): RatingHead {
    return fromTuple(cpf, ratingId, rest);
  },
};
