import { Schema, Types } from 'mongoose';
import { RATING_BANDS, RatingBand } from '../../domain/rating/rating';

export const RATING_MODEL = 'Rating';
export const RATING_COLLECTION = 'ratings';

export interface ReasonCodeDoc {
  code: string;
  pointsLost: number;
  textPt: string;
  textEn: string;
}

export interface ImprovementDoc {
  factor: string;
  textPt: string;
  textEn: string;
  pointsGained: number;
}

/** One document per generated rating: the collection is the history, and the latest is simply the newest. */
export interface RatingDoc {
  cpf: string;
  score: number;
  band: RatingBand;
  probabilityOfDefault: number;
  reasonCodes: ReasonCodeDoc[];
  improvement: ImprovementDoc | null;
  modelVersion: string;
  generatedAt: Date;
  /** Rating.validUntil; absent on ratings stored before it existed. */
  validUntil?: Date | null;
}

export type StoredRatingDoc = RatingDoc & { _id: Types.ObjectId };

const ReasonCodeSchema = new Schema<ReasonCodeDoc>(
  {
    code: { type: String, required: true },
    pointsLost: { type: Number, required: true },
    textPt: { type: String, required: true },
    textEn: { type: String, required: true },
  },
  { _id: false, strict: 'throw' },
);

const ImprovementSchema = new Schema<ImprovementDoc>(
  {
    factor: { type: String, required: true },
    textPt: { type: String, required: true },
    textEn: { type: String, required: true },
    pointsGained: { type: Number, required: true },
  },
  { _id: false, strict: 'throw' },
);

export const RatingSchema = new Schema<RatingDoc>(
  {
    cpf: { type: String, required: true },
    score: { type: Number, required: true, min: 0, max: 1000 },
    band: { type: String, enum: RATING_BANDS, required: true },
    probabilityOfDefault: { type: Number, required: true, min: 0, max: 1 },
    reasonCodes: { type: [ReasonCodeSchema], default: [] },
    improvement: { type: ImprovementSchema, default: null },
    modelVersion: { type: String, required: true },
    generatedAt: { type: Date, required: true },
    validUntil: { type: Date, required: false },
  },
  { collection: RATING_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

/** Newest first, then the later insert: ObjectIds from one process grow monotonically, so _id breaks generatedAt ties. */
export const NEWEST_FIRST = { generatedAt: -1, _id: -1 } as const;

// latest and history are "this CPF, newest first": the index answers both without scanning other CPFs.
RatingSchema.index({ cpf: 1, generatedAt: -1 }, { name: 'cpf_generatedAt' });
