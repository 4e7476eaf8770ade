import { Schema } from 'mongoose';
import { AssetKind, IncomeKind } from '@app/credit-domain';

export const RATING_FEATURES_MODEL = 'RatingFeatures';
export const RATING_FEATURES_COLLECTION = 'rating_features';

interface AddressDoc {
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  postalCode: string;
}

interface AssetDoc {
  kind: AssetKind;
  valueCents: number;
  financed: boolean;
  outstandingCents: number;
}

interface IncomeSourceDoc {
  kind: IncomeKind;
  monthlyAmountCents: number;
  since: Date;
}

/** A CPF's features field by field: the payload's content, and the whole document of the first layout. */
export interface FeaturesFields {
  birthDate: Date;
  address: AddressDoc;
  assets: AssetDoc[];
  incomeSources: IncomeSourceDoc[];
  updatedAt: Date;
}

/**
 * One document per CPF, replaced as a whole on every save. The features travel as one JSON payload: a rating job
 * reads whole partitions, and FerretDB decodes one string about three times faster than the same fields
 * (docs/implementation-notes.md). Nothing queries inside the features, so nothing is lost.
 */
export interface RatingFeaturesDoc {
  cpf: string;
  shard: number;
  bucket: number;
  /** FeaturesFields as JSON, dates as ISO strings. */
  payload: string;
}

/** What a read may return: the current layout, or one written field by field before it. */
export type StoredRatingFeaturesDoc = RatingFeaturesDoc | (FeaturesFields & { cpf: string });

export const RatingFeaturesSchema = new Schema<RatingFeaturesDoc>(
  {
    cpf: { type: String, required: true },
    shard: { type: Number, required: true },
    bucket: { type: Number, required: true },
    payload: { type: String, required: true },
  },
  {
    collection: RATING_FEATURES_COLLECTION,
    versionKey: false,
    strict: 'throw',
    // Index builds and collection creation are explicit (ensureRatingIndexes at start-up), never a side effect of
    // compiling a model.
    autoIndex: false,
    autoCreate: false,
  },
);

// Unique, so a concurrent double upsert cannot leave two documents for one CPF.
RatingFeaturesSchema.index({ cpf: 1 }, { unique: true, name: 'cpf_unique' });
// A rating job's partitions (domain/rating/rating-partition.ts).
RatingFeaturesSchema.index({ shard: 1 }, { name: 'shard' });
RatingFeaturesSchema.index({ bucket: 1 }, { name: 'bucket' });
