/**
 * Discrimination and calibration metrics as reported by Lessmann et al. (2015). Inputs: `bad` flags (1 = default) and
 * predicted probabilities of default; every metric here is "higher score = riskier".
 */

function checkInputs(bad: ArrayLike<number>, pd: ArrayLike<number>): void {
  if (bad.length !== pd.length) throw new RangeError('labels and predictions differ in length');
  if (bad.length === 0) throw new RangeError('no rows');
}

/**
 * Area under the ROC curve via the Mann–Whitney statistic: the probability that a random bad is ranked riskier than a
 * random good, ties counting one half (mid-ranks). NaN when one class is absent.
 */
export function auc(bad: ArrayLike<number>, pd: ArrayLike<number>): number {
  checkInputs(bad, pd);
  const order = Array.from({ length: pd.length }, (_, i) => i).sort((a, b) => pd[a] - pd[b]);
  let rankSumBad = 0;
  let nBad = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && pd[order[j + 1]] === pd[order[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (bad[order[t]] === 1) {
        rankSumBad += midRank;
        nBad++;
      }
    }
    i = j + 1;
  }
  const nGood = pd.length - nBad;
  if (nBad === 0 || nGood === 0) return NaN;
  return (rankSumBad - (nBad * (nBad + 1)) / 2) / (nBad * nGood);
}

export const gini = (aucValue: number): number => 2 * aucValue - 1;

/**
 * Kolmogorov–Smirnov statistic: the largest gap between the cumulative distributions of bads and goods over the score.
 * Rows with equal predictions move together, so ties can never manufacture a gap that no threshold could realise.
 */
export function ks(bad: ArrayLike<number>, pd: ArrayLike<number>): number {
  checkInputs(bad, pd);
  const order = Array.from({ length: pd.length }, (_, i) => i).sort((a, b) => pd[b] - pd[a]);
  let nBad = 0;
  for (let i = 0; i < bad.length; i++) if (bad[i] === 1) nBad++;
  const nGood = bad.length - nBad;
  if (nBad === 0 || nGood === 0) return NaN;
  let cumBad = 0;
  let cumGood = 0;
  let best = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && pd[order[j + 1]] === pd[order[i]]) j++;
    for (let t = i; t <= j; t++) {
      if (bad[order[t]] === 1) cumBad++;
      else cumGood++;
    }
    best = Math.max(best, Math.abs(cumBad / nBad - cumGood / nGood));
    i = j + 1;
  }
  return best;
}

/** Mean squared error of the probabilities (lower is better; 0.25 is a coin flip at 50/50). */
export function brier(bad: ArrayLike<number>, pd: ArrayLike<number>): number {
  checkInputs(bad, pd);
  let sum = 0;
  for (let i = 0; i < pd.length; i++) sum += (pd[i] - bad[i]) ** 2;
  return sum / pd.length;
}

/** Share of rows classified correctly when "default" is predicted for pd ≥ threshold. */
export function accuracy(bad: ArrayLike<number>, pd: ArrayLike<number>, threshold = 0.5): number {
  checkInputs(bad, pd);
  let correct = 0;
  for (let i = 0; i < pd.length; i++) if ((pd[i] >= threshold ? 1 : 0) === bad[i]) correct++;
  return correct / pd.length;
}

export const errorRate = (bad: ArrayLike<number>, pd: ArrayLike<number>, threshold = 0.5): number =>
  1 - accuracy(bad, pd, threshold);

interface CalibrationRow {
  group: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Rows sorted by prediction and cut into `groups` equal-count groups (deciles by default): predicted vs observed. */
export function calibrationTable(bad: ArrayLike<number>, pd: ArrayLike<number>, groups = 10): CalibrationRow[] {
  checkInputs(bad, pd);
  const order = Array.from({ length: pd.length }, (_, i) => i).sort((a, b) => pd[a] - pd[b] || a - b);
  const rows: CalibrationRow[] = [];
  for (let g = 0; g < groups; g++) {
    const from = Math.floor((g * order.length) / groups);
    const to = Math.floor(((g + 1) * order.length) / groups);
    if (to <= from) continue;
    let sumPd = 0;
    let sumBad = 0;
    for (let t = from; t < to; t++) {
      sumPd += pd[order[t]];
      sumBad += bad[order[t]];
    }
    rows.push({
      group: g + 1,
      count: to - from,
      meanPredicted: sumPd / (to - from),
      observedRate: sumBad / (to - from),
    });
  }
  return rows;
}

export interface MetricSet {
  auc: number;
  gini: number;
  ks: number;
  brier: number;
  accuracy: number;
  errorRate: number;
}

export function evaluatePredictions(bad: ArrayLike<number>, pd: ArrayLike<number>, threshold = 0.5): MetricSet {
  const a = auc(bad, pd);
  const acc = accuracy(bad, pd, threshold);
  return { auc: a, gini: gini(a), ks: ks(bad, pd), brier: brier(bad, pd), accuracy: acc, errorRate: 1 - acc };
}
