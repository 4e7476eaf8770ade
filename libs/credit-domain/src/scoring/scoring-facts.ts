import { CalendarDate } from '@app/shared-kernel';
import { DebtSummary } from '../consumer/consumer.entity';
import { RatingFeatures } from '../rating/rating-features.entity';
import { ScoringActivity } from '../transactions/transaction-summary';

/**
 * Everything a scoring model may look at, as plain numbers. Sensitive attributes that must not drive a score
 * (sex, marital status, nationality, address) are deliberately absent.
 */
export interface ScoringFacts {
  /** null when no rating features were ever provided. */
  ageYears: number | null;
  monthlyIncomeCents: number;
  incomeSourceCount: number;
  /** Months since the oldest income source started. */
  longestIncomeMonths: number;
  assetsValueCents: number;
  assetsOutstandingCents: number;
  realEstateCount: number;
  openDebtCount: number;
  overdueDebtCount: number;
  openDebtCents: number;
  overdueDebtCents: number;
  maxDaysOverdue: number;
  inquiriesLast6Months: number;
  inflow90dCents: number;
  outflow90dCents: number;
  cardPurchases90d: number;
  cardDeclined90d: number;
  cardApproved90dCents: number;
}

export function buildScoringFacts(
  consumer: { debtSummary(now: Date): DebtSummary } | null,
  features: RatingFeatures | null,
  activity: ScoringActivity,
  now: Date,
): ScoringFacts {
  const debts = consumer?.debtSummary(now);
  const assets = features?.props.assets ?? [];
  const incomes = features?.props.incomeSources ?? [];
  const today = CalendarDate.today(now);
  const oldestIncome = incomes.reduce<CalendarDate | null>(
    (min, s) => (min === null || s.since.isBefore(min) ? s.since : min),
    null,
  );
  return {
    ageYears: features ? features.ageYears(now) : null,
    monthlyIncomeCents: features?.monthlyIncomeCents() ?? 0,
    incomeSourceCount: incomes.length,
    // Months of 30.4375 days, as the model was trained; the days are counted on the Brasília calendar.
    longestIncomeMonths: oldestIncome === null ? 0 : Math.max(0, Math.floor(oldestIncome.daysUntil(today) / 30.4375)),
    assetsValueCents: features?.assetsValueCents() ?? 0,
    assetsOutstandingCents: features?.assetsOutstandingCents() ?? 0,
    realEstateCount: assets.filter((a) => a.kind === 'REAL_ESTATE').length,
    openDebtCount: debts?.openCount ?? 0,
    overdueDebtCount: debts?.overdueCount ?? 0,
    openDebtCents: debts?.openAmountCents ?? 0,
    overdueDebtCents: debts?.overdueAmountCents ?? 0,
    maxDaysOverdue: debts?.maxDaysOverdue ?? 0,
    ...activity,
  };
}
