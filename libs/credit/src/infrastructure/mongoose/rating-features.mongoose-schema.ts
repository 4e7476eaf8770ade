import { Schema } from 'mongoose';
import { ASSET_KINDS, AssetKind, INCOME_KINDS, IncomeKind } from '../../domain/rating/rating-features.entity';
import { centsField } from './cents';

export const RATING_FEATURES_MODEL = 'RatingFeatures';
export const RATING_FEATURES_COLLECTION = 'rating_features';

export interface AddressDoc {
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  postalCode: string;
}

export interface AssetDoc {
  kind: AssetKind;
  valueCents: number;
  financed: boolean;
  outstandingCents: number;
}

export interface IncomeSourceDoc {
  kind: IncomeKind;
  monthlyAmountCents: number;
  since: Date;
}

/** One document per CPF: the latest known inputs, replaced as a whole on every save. */
export interface RatingFeaturesDoc {
  cpf: string;
  birthDate: Date;
  address: AddressDoc;
  assets: AssetDoc[];
  incomeSources: IncomeSourceDoc[];
  updatedAt: Date;
}

const AddressSchema = new Schema<AddressDoc>(
  {
    street: { type: String, required: true },
    number: { type: String, required: true },
    complement: { type: String, default: null },
    district: { type: String, required: true },
    city: { type: String, required: true },
    state: { type: String, required: true },
    postalCode: { type: String, required: true },
  },
  { _id: false, strict: 'throw' },
);

const AssetSchema = new Schema<AssetDoc>(
  {
    kind: { type: String, enum: ASSET_KINDS, required: true },
    valueCents: centsField,
    financed: { type: Boolean, required: true },
    outstandingCents: centsField,
  },
  { _id: false, strict: 'throw' },
);

const IncomeSourceSchema = new Schema<IncomeSourceDoc>(
  {
    kind: { type: String, enum: INCOME_KINDS, required: true },
    monthlyAmountCents: centsField,
    since: { type: Date, required: true },
  },
  { _id: false, strict: 'throw' },
);

export const RatingFeaturesSchema = new Schema<RatingFeaturesDoc>(
  {
    cpf: { type: String, required: true },
    birthDate: { type: Date, required: true },
    address: { type: AddressSchema, required: true },
    assets: { type: [AssetSchema], default: [] },
    incomeSources: { type: [IncomeSourceSchema], default: [] },
    updatedAt: { type: Date, required: true },
  },
  {
    collection: RATING_FEATURES_COLLECTION,
    versionKey: false,
    strict: 'throw',
    // Index builds and collection creation are explicit (ensureRatingIndexes at start-up), never a side effect of compiling a model.
    autoIndex: false,
    autoCreate: false,
  },
);

// Unique, so a concurrent double upsert cannot leave two documents for one CPF; also serves cpfsAfter's range scan in order.
RatingFeaturesSchema.index({ cpf: 1 }, { unique: true, name: 'cpf_unique' });
