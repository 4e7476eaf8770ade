import { Dataset } from './datasets';
import { FeatureColumn } from './woe-model';

/**
 * Benchmark feature sets: everything the public data offers except the protected attributes, to show the WoE-logistic
 * method reaches the published accuracy. (The production card uses only the columns our domain can supply; see
 * domain-features.ts.)
 */
const GERMAN_PROTECTED = ['A9', 'A20'] as const;

const numeric = (name: string, values: Float64Array, binning: FeatureColumn['binning'] = {}): FeatureColumn => ({
  name,
  kind: 'numeric',
  values,
  binning: { monotone: 'auto', minBinFraction: 0.05, maxBins: 8, ...binning },
});

function column(ds: Dataset, name: string): Float64Array {
  const c = ds.numeric[name];
  if (!c) throw new Error(`${ds.name}: no numeric column ${name}`);
  return c;
}

const PAY_COLUMNS = ['PAY_0', 'PAY_2', 'PAY_3', 'PAY_4', 'PAY_5', 'PAY_6'];
const cap = (v: number, max: number): number => Math.min(max, v);

const ratio = (num: number, den: number): number => (den > 0 ? num / den : num > 0 ? 10 : -1);

export function taiwanBenchmarkColumns(ds: Dataset): FeatureColumn[] {
  const n = ds.rowCount;
  const pay = PAY_COLUMNS.map((c) => column(ds, c));
  const bill = [1, 2, 3, 4, 5, 6].map((i) => column(ds, `BILL_AMT${i}`));
  const paid = [1, 2, 3, 4, 5, 6].map((i) => column(ds, `PAY_AMT${i}`));
  const limit = column(ds, 'LIMIT_BAL');
  const derived = (f: (r: number) => number) => Float64Array.from({ length: n }, (_, r) => f(r));
  const cols: FeatureColumn[] = [
    numeric('LIMIT_BAL', limit),
    numeric('AGE', column(ds, 'AGE'), { monotone: 'none' }),
    { name: 'EDUCATION', kind: 'categorical', values: ds.categorical.EDUCATION, binning: { minBinCount: 100 } },
    // -2 (no use), -1 (paid in full) and 0 (revolving) carry different risk that is not ordered, hence no monotone
    // rule.
    ...pay.map((v, i) =>
      numeric(PAY_COLUMNS[i], v, { candidateBounds: [-2, -1, 0, 1, 2, 3], minBinFraction: 0.01, monotone: 'none' }),
    ),
    ...paid.map((v, i) => numeric(`PAY_AMT${i + 1}`, v)),
    // Bills enter only as ratios to the client's own limit: a raw balance means little without the limit beside it.
    numeric(
      'UTILISATION_1',
      derived((r) => ratio(bill[0][r], limit[r])),
      { monotone: 'none' },
    ),
    numeric(
      'UTILISATION_AVG',
      derived((r) => ratio(bill.reduce((s, b) => s + b[r], 0) / 6, limit[r])),
      { monotone: 'none' },
    ),
    numeric(
      'PAID_SHARE_1',
      derived((r) => ratio(paid[0][r], bill[1][r])),
    ),
    numeric(
      'PAID_SHARE_2',
      derived((r) => ratio(paid[1][r], bill[2][r])),
    ),
    numeric(
      'MONTHS_DELINQUENT',
      derived((r) => pay.reduce((s, p) => s + (p[r] >= 1 ? 1 : 0), 0)),
      { minBinFraction: 0.01 },
    ),
    numeric(
      'WORST_DELAY',
      derived((r) => Math.max(...pay.map((p) => p[r]))),
      { candidateBounds: [-2, -1, 0, 1, 2, 3], minBinFraction: 0.01 },
    ),
    // An additive WoE model cannot see interactions; the strongest ones (the latest delay against the delay pattern,
    // utilisation, limit, repayment and age) enter as crossed categories.
    crossed('PAY_0_x_PAY_2', (r) => `${cap(pay[0][r], 3)}|${cap(pay[1][r], 3)}`),
    crossed('PAY_0_x_PAY_2_x_PAY_3', (r) => `${cap(pay[0][r], 2)}|${cap(pay[1][r], 2)}|${cap(pay[2][r], 2)}`),
    crossed(
      'PAY_0_x_UTILISATION',
      (r) => `${cap(pay[0][r], 2)}|${bill[0][r] <= 0 ? 'none' : bill[0][r] / limit[r] < 0.5 ? 'low' : 'high'}`,
    ),
    crossed(
      'PAY_0_x_LIMIT',
      (r) => `${cap(pay[0][r], 2)}|${limit[r] < 50000 ? 'a' : limit[r] < 150000 ? 'b' : limit[r] < 300000 ? 'c' : 'd'}`,
    ),
    crossed(
      'PAY_0_x_PAID',
      (r) => `${cap(pay[0][r], 2)}|${paid[0][r] === 0 ? 'zero' : paid[0][r] < 0.1 * bill[1][r] ? 'low' : 'high'}`,
    ),
    crossed(
      'PAY_0_x_AGE',
      (r) => `${cap(pay[0][r], 2)}|${ds.numeric.AGE[r] < 30 ? 'young' : ds.numeric.AGE[r] < 45 ? 'mid' : 'older'}`,
    ),
  ];
  return cols;

  function crossed(name: string, level: (r: number) => string): FeatureColumn {
    return {
      name,
      kind: 'categorical',
      values: Array.from({ length: n }, (_, r) => level(r)),
      binning: { minBinCount: 100 },
    };
  }
}

export function germanBenchmarkColumns(ds: Dataset): FeatureColumn[] {
  const cols: FeatureColumn[] = [];
  for (let a = 1; a <= 20; a++) {
    const name = `A${a}`;
    if ((GERMAN_PROTECTED as readonly string[]).includes(name)) continue;
    if (ds.numeric[name]) cols.push(numeric(name, ds.numeric[name], { minBinFraction: 0.05, maxBins: 6 }));
    else cols.push({ name, kind: 'categorical', values: ds.categorical[name], binning: { minBinCount: 30 } });
  }
  return cols;
}
