import { CalendarDate, Cpf } from '@app/shared-kernel';
import { Address, partitionKeysOf, RatingFeatures } from '@app/credit-domain';
import { FeaturesFields, RatingFeaturesDoc, StoredRatingFeaturesDoc } from './rating-features.mongoose-schema';

/** The payload's JSON with its dates back as Dates. */
function parsePayload(payload: string): FeaturesFields {
  const raw = JSON.parse(payload) as Omit<FeaturesFields, 'birthDate' | 'updatedAt' | 'incomeSources'> & {
    birthDate: string;
    updatedAt: string;
    incomeSources: (Omit<FeaturesFields['incomeSources'][number], 'since'> & { since: string })[];
  };
  return {
    ...raw,
    birthDate: new Date(raw.birthDate),
    updatedAt: new Date(raw.updatedAt),
    incomeSources: raw.incomeSources.map((s) => ({ ...s, since: new Date(s.since) })),
  };
}

export const RatingFeaturesMongooseMapper = {
  /** Goes through the domain factories so a document edited by hand into an invalid state fails loudly here. */
  toDomain(doc: StoredRatingFeaturesDoc): RatingFeatures {
    const f: FeaturesFields = 'payload' in doc ? parsePayload(doc.payload) : doc;
    return RatingFeatures.create({
      cpf: Cpf.parse(doc.cpf),
      birthDate: CalendarDate.fromUtcMidnight(f.birthDate),
      address: Address.create({ ...f.address, complement: f.address.complement ?? null }),
      assets: f.assets.map((a) => ({
        kind: a.kind,
        valueCents: a.valueCents,
        financed: a.financed,
        outstandingCents: a.outstandingCents,
      })),
      incomeSources: f.incomeSources.map((s) => ({
        kind: s.kind,
        monthlyAmountCents: s.monthlyAmountCents,
        since: CalendarDate.fromUtcMidnight(s.since),
      })),
      updatedAt: f.updatedAt,
    });
  },

  toPersistence(features: RatingFeatures): RatingFeaturesDoc {
    const p = features.props;
    const a = p.address.props;
    const fields: FeaturesFields = {
      birthDate: p.birthDate.toUtcMidnight(),
      address: {
        street: a.street,
        number: a.number,
        complement: a.complement ?? null,
        district: a.district,
        city: a.city,
        state: a.state,
        postalCode: a.postalCode,
      },
      assets: p.assets.map((x) => ({
        kind: x.kind,
        valueCents: x.value.cents,
        financed: x.financed,
        outstandingCents: x.outstanding.cents,
      })),
      incomeSources: p.incomeSources.map((s) => ({
        kind: s.kind,
        monthlyAmountCents: s.monthlyAmount.cents,
        since: s.since.toUtcMidnight(),
      })),
      updatedAt: p.updatedAt,
    };
    return { cpf: p.cpf.value, ...partitionKeysOf(p.cpf.value), payload: JSON.stringify(fields) };
  },
};
