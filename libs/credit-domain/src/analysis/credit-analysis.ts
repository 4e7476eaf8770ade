import { Consumer, DebtSummary } from '../consumer/consumer.entity';
import { Rating, RatingBand, ReasonCode, ScoreImprovement } from '../rating/rating';
import { RatingFeatures } from '../rating/rating-features.entity';
import { TransactionSummary } from '../transactions/transaction-summary';

export interface RatingView {
  score: number;
  band: RatingBand;
  probabilityOfDefault: number;
  reasonCodes: ReasonCode[];
  improvement: ScoreImprovement | null;
  modelVersion: string;
  generatedAt: string;
}

export interface CreditAnalysis {
  cpf: string;
  name: string;
  generatedAt: string;
  rating: RatingView | null;
  profile: {
    ageYears: number;
    monthlyIncomeCents: number;
    incomeSourceCount: number;
    assetsValueCents: number;
    assetsOutstandingCents: number;
  } | null;
  debts: {
    summary: DebtSummary;
    items: {
      id: string;
      creditor: string;
      creditorCnpj: string;
      amountCents: number;
      dueDate: string;
      status: string;
      daysOverdue: number;
    }[];
  };
  transactions: TransactionSummary;
}

export function ratingView(rating: Rating): RatingView {
  const p = rating.props;
  return {
    score: p.score,
    band: p.band,
    probabilityOfDefault: p.probabilityOfDefault,
    reasonCodes: p.reasonCodes,
    improvement: p.improvement,
    modelVersion: p.modelVersion,
    generatedAt: p.generatedAt.toISOString(),
  };
}

/** The report a lender sees: only reportable debts (CDC art. 43), aggregates of the trail, the latest rating. */
export function assembleCreditAnalysis(
  consumer: Consumer,
  features: RatingFeatures | null,
  rating: Rating | null,
  transactions: TransactionSummary,
  now: Date,
): CreditAnalysis {
  const reportable = consumer.reportableDebts(now);
  return {
    cpf: consumer.cpf.formatted,
    name: consumer.name,
    generatedAt: now.toISOString(),
    rating: rating ? ratingView(rating) : null,
    profile: features
      ? {
          ageYears: features.ageYears(now),
          monthlyIncomeCents: features.monthlyIncomeCents(),
          incomeSourceCount: features.props.incomeSources.length,
          assetsValueCents: features.assetsValueCents(),
          assetsOutstandingCents: features.assetsOutstandingCents(),
        }
      : null,
    debts: {
      summary: consumer.debtSummary(now),
      items: reportable.map((d) => ({
        id: d.id,
        creditor: d.props.creditor,
        creditorCnpj: d.props.creditorCnpj,
        amountCents: d.props.amount.cents,
        dueDate: d.props.dueDate.toString(),
        status: d.props.status,
        daysOverdue: d.daysOverdue(now),
      })),
    },
    transactions,
  };
}

/**
 * Until when an analysis assembled at `now` may be served as it is: the earliest instant a debt it shows stops being
 * reportable, a debt in its notice period becomes reportable (CDC art. 43 §2), or its rating stops being valid
 * (CDC art. 43 §1 and §5). A cached copy must not outlive it; null when nothing in it changes by the calendar alone.
 */
export function analysisValidUntil(consumer: Consumer, rating: Rating | null, now: Date): Date | null {
  const instants = consumer.reportableDebts(now).map((d) => d.reportableUntil());
  for (const d of consumer.debts) if (d.isPendingNotice(now)) instants.push(d.props.reportableFrom!);
  if (rating?.props.validUntil) instants.push(rating.props.validUntil);
  return instants.reduce<Date | null>((min, t) => (min === null || t < min ? t : min), null);
}
