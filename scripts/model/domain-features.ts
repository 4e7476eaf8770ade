import { NumericBinningOptions } from '@app/credit-domain';
import { Dataset, DatasetName } from './datasets';
import { FeatureColumn } from './woe-model';

/**
 * The production scorecard can only use what our domain knows (ScoringFacts). Each feature below is either learnt from
 * a public-data column that measures the same thing (or, where labelled "proxy", a close relative), or — when no
 * public data has an analogue — an expert prior. Nothing here may read a protected attribute.
 */

/** Assumed borrowing capacity in months of income: turns our debt amounts into the Taiwan limit-utilisation scale. */
export const CAPACITY_MONTHS_OF_INCOME = 3;

interface TrainedFeatureSpec {
  name: string;
  reasonCode: string;
  dataset: DatasetName;
  description: string;
  analogue: string;
  domainTransform: string;
  monotone: 'increasing' | 'decreasing' | 'none';
  actionable: boolean;
  binning: NumericBinningOptions;
  column(ds: Dataset): Float64Array;
}

const col = (ds: Dataset, name: string): Float64Array => {
  const c = ds.numeric[name];
  if (!c) throw new Error(`${ds.name}: no numeric column ${name}`);
  return c;
};
const perRow = (ds: Dataset, f: (r: number) => number): Float64Array =>
  Float64Array.from({ length: ds.rowCount }, (_, r) => f(r));
/** A Taiwan balance as a share of the client's limit; a credit balance (≤ 0) owes nothing. */
const utilisation = (bill: number, limit: number): number => (bill <= 0 ? 0 : bill / limit);
/** Two significant digits, so bin edges read as round shares of the limit. */
const twoDigits = (x: number): number => (x === 0 ? 0 : Number(x.toPrecision(2)));

export const TRAINED_FEATURES: TrainedFeatureSpec[] = [
  {
    name: 'maxDaysOverdue',
    reasonCode: 'DAYS_OVERDUE',
    dataset: 'taiwan',
    description: 'Days the most overdue open debt is late.',
    analogue: 'max(0, PAY_0) × 30: months of delay on the latest statement, in days',
    domainTransform: 'maxDaysOverdue',
    monotone: 'decreasing',
    actionable: true,
    binning: { candidateBounds: [0, 30, 60, 90, 120], minBinCount: 100, minBinFraction: 0, monotone: 'decreasing' },
    column: (ds) => perRow(ds, (r) => Math.max(0, col(ds, 'PAY_0')[r]) * 30),
  },
  {
    name: 'overdueBurden',
    reasonCode: 'OVERDUE_AMOUNT',
    dataset: 'taiwan',
    description: `Overdue amount against ${CAPACITY_MONTHS_OF_INCOME} months of income.`,
    analogue: 'proxy: BILL_AMT1 / LIMIT_BAL when the latest statement is late (PAY_0 ≥ 1), else 0',
    domainTransform: `overdueDebtCents / (${CAPACITY_MONTHS_OF_INCOME} × monthlyIncomeCents); 0 without overdue debt; +∞ with overdue debt and no income; missing without registration data`,
    monotone: 'decreasing',
    actionable: true,
    binning: { initialBins: 20, roundBound: twoDigits, minBinFraction: 0.01, maxBins: 6, monotone: 'decreasing' },
    column: (ds) =>
      perRow(ds, (r) => (col(ds, 'PAY_0')[r] >= 1 ? utilisation(col(ds, 'BILL_AMT1')[r], col(ds, 'LIMIT_BAL')[r]) : 0)),
  },
  {
    name: 'debtBurden',
    reasonCode: 'DEBT_BURDEN',
    dataset: 'taiwan',
    description: `Open debt against ${CAPACITY_MONTHS_OF_INCOME} months of income (an assumed borrowing capacity).`,
    analogue: 'BILL_AMT1 / LIMIT_BAL: latest balance as a share of the credit limit',
    domainTransform: `openDebtCents / (${CAPACITY_MONTHS_OF_INCOME} × monthlyIncomeCents); 0 without debt; +∞ with debt and no income; missing without registration data`,
    monotone: 'decreasing',
    actionable: true,
    binning: { initialBins: 20, roundBound: twoDigits, minBinFraction: 0.05, maxBins: 6, monotone: 'decreasing' },
    column: (ds) => perRow(ds, (r) => utilisation(col(ds, 'BILL_AMT1')[r], col(ds, 'LIMIT_BAL')[r])),
  },
  {
    name: 'ageYears',
    reasonCode: 'AGE',
    dataset: 'taiwan',
    description: 'Age in whole years.',
    analogue: 'AGE',
    domainTransform: 'ageYears; missing without registration data',
    monotone: 'none',
    actionable: false,
    binning: { candidateBounds: [24, 29, 34, 39, 44, 49, 54, 59], minBinFraction: 0.05, maxBins: 6, monotone: 'none' },
    column: (ds) => col(ds, 'AGE'),
  },
  {
    name: 'incomeTenureMonths',
    reasonCode: 'INCOME_TENURE',
    dataset: 'german',
    description: 'Months since the oldest current income source started; −1 when there is no income source.',
    analogue:
      'A7 present employment since: A71 unemployed → −1, A72 < 1 year → 0, A73 1–4 years → 12, A74 4–7 years → 48, A75 ≥ 7 years → 84',
    domainTransform: 'incomeSourceCount = 0 ? −1 : longestIncomeMonths; missing without registration data',
    monotone: 'increasing',
    actionable: false,
    binning: { candidateBounds: [-1, 11, 47, 83], minBinCount: 30, minBinFraction: 0, monotone: 'increasing' },
    column: (ds) =>
      Float64Array.from(ds.categorical.A7, (v) => ({ A71: -1, A72: 0, A73: 12, A74: 48, A75: 84 })[v] ?? NaN),
  },
  {
    name: 'propertyTier',
    reasonCode: 'ASSETS',
    dataset: 'german',
    description: 'Most valuable kind of property: 0 none, 1 other assets (vehicle, investment), 2 real estate.',
    analogue:
      'A12 property: A124 none → 0, A122 savings agreement / life insurance and A123 car or other → 1, A121 real estate → 2',
    domainTransform: 'realEstateCount > 0 ? 2 : assetsValueCents > 0 ? 1 : 0; missing without registration data',
    monotone: 'increasing',
    actionable: false,
    binning: { candidateBounds: [0, 1], minBinCount: 30, minBinFraction: 0, monotone: 'increasing' },
    column: (ds) => Float64Array.from(ds.categorical.A12, (v) => ({ A121: 2, A122: 1, A123: 1, A124: 0 })[v] ?? NaN),
  },
  {
    name: 'openDebtCount',
    reasonCode: 'OPEN_DEBTS',
    dataset: 'german',
    description: 'Number of open debts.',
    analogue: 'A16 number of existing credits at this bank (1–4; our 0 and 1 both fall in its lowest bin)',
    domainTransform: 'openDebtCount',
    monotone: 'decreasing',
    actionable: true,
    binning: { candidateBounds: [1, 2, 3], minBinCount: 30, minBinFraction: 0, monotone: 'decreasing' },
    column: (ds) => col(ds, 'A16'),
  },
];

export function trainedColumns(ds: Dataset): FeatureColumn[] {
  return TRAINED_FEATURES.filter((f) => f.dataset === ds.name).map((f) => ({
    name: f.name,
    kind: 'numeric',
    values: f.column(ds),
    binning: f.binning,
  }));
}

/**
 * Expert priors for facts no public data set measures. Values are log-odds shifts (the WoE scale, coefficient 1), kept
 * small next to the learnt delinquency effects (whose bins span about 3 log-odds), and monotone by construction.
 */
interface ExpertFeatureSpec {
  name: string;
  reasonCode: string;
  description: string;
  rationale: string;
  domainTransform: string;
  monotone: 'increasing' | 'decreasing';
  actionable: boolean;
  /** Inclusive upper bounds and the log-odds shift of each bin; the last bin has upper = null. */
  bins: { upper: number | null; woe: number }[];
}

export const EXPERT_FEATURES: ExpertFeatureSpec[] = [
  {
    name: 'overdueDebtCount',
    reasonCode: 'OVERDUE_DEBTS',
    description: 'Number of open debts that are overdue.',
    rationale:
      'The Taiwan data has one card per client, so it cannot tell one overdue debt from several; the first overdue debt is ' +
      'already priced by the days-overdue factor, so only additional ones cost points here.',
    domainTransform: 'overdueDebtCount',
    monotone: 'decreasing',
    actionable: true,
    bins: [
      { upper: 1, woe: 0 },
      { upper: 2, woe: -0.25 },
      { upper: 4, woe: -0.5 },
      { upper: null, woe: -0.75 },
    ],
  },
  {
    name: 'inquiriesLast6Months',
    reasonCode: 'INQUIRIES',
    description: 'Credit inquiries about the consumer in the last 6 months.',
    rationale: 'Bureau practice: a burst of credit searches precedes distress; a few are normal shopping for a loan.',
    domainTransform: 'inquiriesLast6Months',
    monotone: 'decreasing',
    actionable: true,
    bins: [
      { upper: 0, woe: 0.1 },
      { upper: 2, woe: 0 },
      { upper: 5, woe: -0.3 },
      { upper: null, woe: -0.6 },
    ],
  },
  {
    name: 'cardDeclined90d',
    reasonCode: 'CARD_DECLINES',
    description: 'Card purchases declined in the last 90 days.',
    rationale:
      'Declines mostly mean an exhausted limit or a blocked card; one can be a technical failure, repeated ones rarely are.',
    domainTransform: 'cardDeclined90d',
    monotone: 'decreasing',
    actionable: true,
    bins: [
      { upper: 0, woe: 0 },
      { upper: 1, woe: -0.1 },
      { upper: 3, woe: -0.25 },
      { upper: null, woe: -0.5 },
    ],
  },
  {
    name: 'cashFlowRatio',
    reasonCode: 'CASH_FLOW',
    description: 'Money out against money in over the last 90 days.',
    rationale: 'Spending more than comes in, sustained over a quarter, drains the buffer that pays debts.',
    // No movement at all is an absence of activity, not withheld data: the missing bin stays neutral (0).
    domainTransform:
      'outflow90dCents / inflow90dCents; missing (neutral) when there was no movement; +∞ with outflows and no inflow',
    monotone: 'decreasing',
    actionable: true,
    bins: [
      { upper: 0.9, woe: 0.15 },
      { upper: 1.1, woe: 0 },
      { upper: 1.5, woe: -0.2 },
      { upper: null, woe: -0.4 },
    ],
  },
];
