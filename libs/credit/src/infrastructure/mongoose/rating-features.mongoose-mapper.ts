import { CalendarDate, Cpf } from '@app/shared-kernel';
import { Address } from '../../domain/consumer/address.value-object';
import { RatingFeatures } from '../../domain/rating/rating-features.entity';
import { RatingFeaturesDoc } from './rating-features.mongoose-schema';

export const RatingFeaturesMongooseMapper = {
  /** Goes through the domain factories so a document edited by hand into an invalid state fails loudly here. */
  toDomain(doc: RatingFeaturesDoc): RatingFeatures {
    return RatingFeatures.create({
      cpf: Cpf.parse(doc.cpf),
      birthDate: CalendarDate.fromUtcMidnight(doc.birthDate),
      address: Address.create({ ...doc.address, complement: doc.address.complement ?? null }),
      assets: doc.assets.map((a) => ({ kind: a.kind, valueCents: a.valueCents, financed: a.financed, outstandingCents: a.outstandingCents })),
      incomeSources: doc.incomeSources.map((s) => ({ kind: s.kind, monthlyAmountCents: s.monthlyAmountCents, since: CalendarDate.fromUtcMidnight(s.since) })),
      updatedAt: doc.updatedAt,
    });
  },

  toPersistence(features: RatingFeatures): RatingFeaturesDoc {
    const p = features.props;
    const a = p.address.props;
    return {
      cpf: p.cpf.value,
      birthDate: p.birthDate.toUtcMidnight(),
      address: { street: a.street, number: a.number, complement: a.complement ?? null, district: a.district, city: a.city, state: a.state, postalCode: a.postalCode },
      assets: p.assets.map((x) => ({ kind: x.kind, valueCents: x.value.cents, financed: x.financed, outstandingCents: x.outstanding.cents })),
      incomeSources: p.incomeSources.map((s) => ({ kind: s.kind, monthlyAmountCents: s.monthlyAmount.cents, since: s.since.toUtcMidnight() })),
      updatedAt: p.updatedAt,
    };
  },
};
