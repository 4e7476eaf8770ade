import { Schema, Types } from 'mongoose';
import { RatingBand } from '@app/credit-domain';

export const RATING_MODEL = 'Rating';
export const RATING_COLLECTION = 'ratings';
export const RATING_HEAD_MODEL = 'RatingHead';
export const RATING_HEAD_COLLECTION = 'rating_heads';
export const RATING_HEAD_PAGE_MODEL = 'RatingHeadPage';
export const RATING_HEAD_PAGE_COLLECTION = 'rating_head_pages';

interface ReasonCodeDoc {
  code: string;
  pointsLost: number;
  textPt: string;
  textEn: string;
}

interface ImprovementDoc {
  factor: string;
  textPt: string;
  textEn: string;
  pointsGained: number;
}

/** What a rating says, field by field: the payload's content, and most of a document of the first layout. */
export interface RatingFields {
  score: number;
  band: RatingBand;
  probabilityOfDefault: number;
  reasonCodes: ReasonCodeDoc[];
  improvement: ImprovementDoc | null;
  modelVersion: string;
}

/**
 * One document per stored rating: the collection is a CPF's history, newest by (featuresAt, generatedAt). _id is the
 * rating's id (domain/rating/rating-head.ts), so storing a rating twice keeps one. The rating itself is one JSON
 * payload: FerretDB decodes documents field by field, and nothing queries inside a rating.
 */
export interface RatingDoc {
  _id: string;
  cpf: string;
  generatedAt: Date;
  featuresAt: Date | null;
  /** The rating's place in the CPF's chain (RatingHead.seq). */
  seq: number;
  /** The score this rating replaced. */
  previousScore: number | null;
  /** Rating.validUntil: until when it may be served. */
  validUntil: Date | null;
  /** RatingFields as JSON. */
  payload: string;
}

/** A rating stored field by field, before the payload layout; still read. validUntil is absent on the oldest. */
type LegacyRatingDoc = RatingFields & {
  _id: Types.ObjectId;
  cpf: string;
  generatedAt: Date;
  validUntil?: Date | null;
};
export type StoredRatingDoc = RatingDoc | LegacyRatingDoc;

/**
 * A loose head: one small document per rating written outside a job's partition (a rescore, a single change), found
 * by partition until the next snapshot of it folds it in. `head` is the rest of RatingHead as a JSON array.
 */
export interface RatingHeadDoc {
  _id: string;
  cpf: string;
  shard: number;
  bucket: number;
  head: string;
}

/**
 * Part of a partition's snapshot: the heads of one bucket (at most HEADS_PER_PAGE of them) as a JSON array of head
 * tuples. A partition of 1,500 CPFs is then a few dozen documents to read instead of 1,500 (FerretDB decodes
 * document by document); `run` names the partition run that wrote it.
 */
export interface RatingHeadPageDoc {
  _id: string;
  shard: number;
  bucket: number;
  run: string;
  heads: string;
}

export const RatingSchema = new Schema<RatingDoc>(
  {
    _id: { type: String, required: true },
    cpf: { type: String, required: true },
    generatedAt: { type: Date, required: true },
    featuresAt: { type: Date, default: null },
    seq: { type: Number, required: true },
    previousScore: { type: Number, default: null },
    payload: { type: String, required: true },
    validUntil: { type: Date, default: null },
  },
  { collection: RATING_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

// latest and history are "this CPF, newest first": the index answers both without scanning other CPFs.
RatingSchema.index({ cpf: 1, generatedAt: -1 }, { name: 'cpf_generatedAt' });

export const RatingHeadSchema = new Schema<RatingHeadDoc>(
  {
    _id: { type: String, required: true },
    cpf: { type: String, required: true },
    shard: { type: Number, required: true },
    bucket: { type: Number, required: true },
    head: { type: String, required: true },
  },
  { collection: RATING_HEAD_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

RatingHeadSchema.index({ shard: 1 }, { name: 'shard' });
RatingHeadSchema.index({ bucket: 1 }, { name: 'bucket' });

export const RatingHeadPageSchema = new Schema<RatingHeadPageDoc>(
  {
    _id: { type: String, required: true },
    shard: { type: Number, required: true },
    bucket: { type: Number, required: true },
    run: { type: String, required: true },
    heads: { type: String, required: true },
  },
  { collection: RATING_HEAD_PAGE_COLLECTION, versionKey: false, strict: 'throw', autoIndex: false, autoCreate: false },
);

RatingHeadPageSchema.index({ shard: 1 }, { name: 'shard' });
RatingHeadPageSchema.index({ bucket: 1 }, { name: 'bucket' });
