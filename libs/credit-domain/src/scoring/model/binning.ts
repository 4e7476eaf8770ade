/**
 * Coarse classing with weight of evidence (WoE), the classic scorecard encoding: each bin is replaced by
 * WoE = ln(share of all goods in the bin / share of all bads in the bin). Positive WoE = safer than average.
 * Labels everywhere in this module are "bad" flags: 1 = default / bad, 0 = good.
 */

interface BinCounts {
  good: number;
  bad: number;
}

/** Which way WoE must move as the value grows: 'decreasing' = a larger value is never safer (e.g. days overdue). */
type Monotonicity = 'increasing' | 'decreasing' | 'none' | 'auto';

interface WoeTable {
  woe: number[];
  /** Information value: Σ (good share − bad share)·WoE; the usual rule of thumb calls < 0.02 useless, > 0.3 strong. */
  iv: number;
}

/**
 * WoE per bin with additive (Laplace) smoothing: `smoothing` pseudo-goods and pseudo-bads are added to every bin, so a
 * bin with no bads (frequent in small data) gets a large but finite WoE instead of +∞.
 */
export function weightOfEvidence(counts: BinCounts[], smoothing = 0.5): WoeTable {
  const k = counts.length;
  const totalGood = counts.reduce((s, c) => s + c.good, 0) + smoothing * k;
  const totalBad = counts.reduce((s, c) => s + c.bad, 0) + smoothing * k;
  let iv = 0;
  const woe = counts.map((c) => {
    const g = (c.good + smoothing) / totalGood;
    const b = (c.bad + smoothing) / totalBad;
    const w = Math.log(g / b);
    iv += (g - b) * w;
    return w;
  });
  return { woe, iv };
}

export interface NumericBinningOptions {
  /** Cut points to start from (inclusive upper bounds). Default: quantiles of the data. */
  candidateBounds?: number[];
  /** Number of quantiles for the fine classing when no candidates are given. */
  initialBins?: number;
  /** A bin must hold at least this share of the non-missing rows (and `minBinCount` rows). */
  minBinFraction?: number;
  minBinCount?: number;
  maxBins?: number;
  monotone?: Monotonicity;
  smoothing?: number;
  /** Applied to quantile cut points before use, e.g. to keep two significant digits for readable bins. */
  roundBound?: (x: number) => number;
}

export interface NumericBinning {
  kind: 'numeric';
  /** Bin i holds bounds[i-1] < x ≤ bounds[i]; the last bin holds x > bounds[last]. Length = bins − 1. */
  bounds: number[];
  counts: BinCounts[];
  woe: number[];
  iv: number;
  /** Rows whose value is NaN (missing). */
  missingCounts: BinCounts;
  /** WoE of the missing bin; 0 (no evidence either way) when too few missing rows to estimate it. */
  missingWoe: number;
  monotone: Exclude<Monotonicity, 'auto'>;
}

/** Index of the bin holding x for inclusive upper bounds (binary search); NaN → -1 (missing). */
export function numericBinIndex(bounds: readonly number[], x: number): number {
  if (Number.isNaN(x)) return -1;
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= bounds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function quantileBounds(sorted: number[], initialBins: number, round?: (x: number) => number): number[] {
  const out: number[] = [];
  for (let q = 1; q < initialBins; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / initialBins))];
    out.push(round ? round(v) : v);
  }
  return out;
}

function countBins(
  bounds: number[],
  values: ArrayLike<number>,
  bad: ArrayLike<number>,
): { counts: BinCounts[]; missing: BinCounts } {
  const counts = Array.from({ length: bounds.length + 1 }, () => ({ good: 0, bad: 0 }));
  const missing = { good: 0, bad: 0 };
  for (let i = 0; i < values.length; i++) {
    const idx = numericBinIndex(bounds, values[i]);
    const target = idx < 0 ? missing : counts[idx];
    if (bad[i] === 1) target.bad++;
    else target.good++;
  }
  return { counts, missing };
}

const size = (c: BinCounts): number => c.good + c.bad;

/** Merges bin i with bin i+1 (drops bounds[i]). */
function mergeAdjacent(bounds: number[], counts: BinCounts[], i: number): void {
  counts[i] = { good: counts[i].good + counts[i + 1].good, bad: counts[i].bad + counts[i + 1].bad };
  counts.splice(i + 1, 1);
  bounds.splice(i, 1);
}

/** Pool-adjacent-violators on the WoE sequence: merge the first violating neighbours until the order holds. */
function enforceMonotone(
  bounds: number[],
  counts: BinCounts[],
  direction: 'increasing' | 'decreasing',
  smoothing: number,
): void {
  for (;;) {
    const { woe } = weightOfEvidence(counts, smoothing);
    let violation = -1;
    for (let i = 0; i + 1 < woe.length; i++) {
      const bad = direction === 'increasing' ? woe[i + 1] < woe[i] : woe[i + 1] > woe[i];
      if (bad) {
        violation = i;
        break;
      }
    }
    if (violation < 0) return;
    mergeAdjacent(bounds, counts, violation);
  }
}

/**
 * Fine classing (quantiles or given cut points), then coarse classing: small bins merged into their most similar
 * neighbour, WoE forced monotone when asked ('auto' keeps whichever direction preserves more information value), and
 * the most similar neighbours merged until at most `maxBins` remain.
 */
export function binNumeric(
  values: ArrayLike<number>,
  bad: ArrayLike<number>,
  options: NumericBinningOptions = {},
): NumericBinning {
  const smoothing = options.smoothing ?? 0.5;
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) present.push(values[i]);
  present.sort((a, b) => a - b);
  const minCount = Math.max(options.minBinCount ?? 1, Math.ceil((options.minBinFraction ?? 0.05) * present.length));
  const maxBins = options.maxBins ?? 8;
  const rawBounds = options.candidateBounds ?? quantileBounds(present, options.initialBins ?? 20, options.roundBound);
  const bounds = [...new Set(rawBounds)].sort((a, b) => a - b);
  // Bounds at or beyond the largest value would only create empty bins.
  while (bounds.length && present.length && bounds[bounds.length - 1] >= present[present.length - 1]) bounds.pop();
  const { counts, missing } = countBins(bounds, values, bad);

  // Empty bins first (they carry no information), then undersized ones into the neighbour with the closest WoE.
  for (let i = counts.length - 1; i >= 0 && counts.length > 1; i--) {
    if (size(counts[i]) === 0) mergeAdjacent(bounds, counts, i === counts.length - 1 ? i - 1 : i);
  }
  for (;;) {
    if (counts.length <= 1) break;
    let smallest = -1;
    for (let i = 0; i < counts.length; i++)
      if (size(counts[i]) < minCount && (smallest < 0 || size(counts[i]) < size(counts[smallest]))) smallest = i;
    if (smallest < 0) break;
    const { woe } = weightOfEvidence(counts, smoothing);
    let into: number;
    if (smallest === 0) into = 0;
    else if (smallest === counts.length - 1) into = smallest - 1;
    else
      into =
        Math.abs(woe[smallest] - woe[smallest - 1]) <= Math.abs(woe[smallest] - woe[smallest + 1])
          ? smallest - 1
          : smallest;
    mergeAdjacent(bounds, counts, into);
  }

  let direction: Exclude<Monotonicity, 'auto'> = options.monotone === 'auto' ? 'none' : (options.monotone ?? 'none');
  let finalBounds = bounds;
  let finalCounts = counts;
  if (options.monotone === 'auto') {
    const up = { bounds: [...bounds], counts: counts.map((c) => ({ ...c })) };
    const down = { bounds: [...bounds], counts: counts.map((c) => ({ ...c })) };
    enforceMonotone(up.bounds, up.counts, 'increasing', smoothing);
    enforceMonotone(down.bounds, down.counts, 'decreasing', smoothing);
    const pick = weightOfEvidence(up.counts, smoothing).iv >= weightOfEvidence(down.counts, smoothing).iv ? up : down;
    direction = pick === up ? 'increasing' : 'decreasing';
    finalBounds = pick.bounds;
    finalCounts = pick.counts;
  } else if (direction !== 'none') {
    enforceMonotone(finalBounds, finalCounts, direction, smoothing);
  }
  while (finalCounts.length > maxBins) {
    const { woe } = weightOfEvidence(finalCounts, smoothing);
    let best = 0;
    for (let i = 1; i + 1 < woe.length; i++)
      if (Math.abs(woe[i + 1] - woe[i]) < Math.abs(woe[best + 1] - woe[best])) best = i;
    mergeAdjacent(finalBounds, finalCounts, best);
  }
  const { woe, iv } = weightOfEvidence(finalCounts, smoothing);
  const missingWoe =
    size(missing) >= minCount ? weightOfEvidence([...finalCounts, missing], smoothing).woe[finalCounts.length] : 0;
  return {
    kind: 'numeric',
    bounds: finalBounds,
    counts: finalCounts,
    woe,
    iv,
    missingCounts: missing,
    missingWoe,
    monotone: direction,
  };
}

export interface CategoricalBinningOptions {
  /** Levels with fewer rows than this are pooled. */
  minBinCount?: number;
  smoothing?: number;
}

export interface CategoricalBinning {
  kind: 'categorical';
  /** Levels of each bin, sorted for a stable artefact. */
  groups: string[][];
  counts: BinCounts[];
  woe: number[];
  iv: number;
}

/**
 * One bin per level; rare levels are pooled together and, if the pool is still too small, folded into the level whose
 * bad rate is closest. Unseen levels at prediction time get WoE 0 (see `categoricalWoe`).
 */
export function binCategorical(
  levels: ArrayLike<string>,
  bad: ArrayLike<number>,
  options: CategoricalBinningOptions = {},
): CategoricalBinning {
  const smoothing = options.smoothing ?? 0.5;
  const minCount = options.minBinCount ?? 30;
  const byLevel = new Map<string, BinCounts>();
  for (let i = 0; i < levels.length; i++) {
    const c = byLevel.get(levels[i]) ?? { good: 0, bad: 0 };
    if (bad[i] === 1) c.bad++;
    else c.good++;
    byLevel.set(levels[i], c);
  }
  const sortedLevels = [...byLevel.keys()].sort();
  const groups: string[][] = [];
  const counts: BinCounts[] = [];
  const pool: string[] = [];
  const poolCounts = { good: 0, bad: 0 };
  for (const level of sortedLevels) {
    const c = byLevel.get(level)!;
    if (size(c) >= minCount) {
      groups.push([level]);
      counts.push({ ...c });
    } else {
      pool.push(level);
      poolCounts.good += c.good;
      poolCounts.bad += c.bad;
    }
  }
  if (pool.length) {
    if (size(poolCounts) >= minCount || groups.length === 0) {
      groups.push(pool);
      counts.push(poolCounts);
    } else {
      const rate = (c: BinCounts) => (c.bad + smoothing) / (size(c) + 2 * smoothing);
      let nearest = 0;
      for (let i = 1; i < counts.length; i++)
        if (Math.abs(rate(counts[i]) - rate(poolCounts)) < Math.abs(rate(counts[nearest]) - rate(poolCounts)))
          nearest = i;
      groups[nearest] = [...groups[nearest], ...pool].sort();
      counts[nearest] = { good: counts[nearest].good + poolCounts.good, bad: counts[nearest].bad + poolCounts.bad };
    }
  }
  const { woe, iv } = weightOfEvidence(counts, smoothing);
  return { kind: 'categorical', groups, counts, woe, iv };
}

function categoricalBinIndex(binning: Pick<CategoricalBinning, 'groups'>, level: string): number {
  return binning.groups.findIndex((g) => g.includes(level));
}

export function numericWoe(binning: NumericBinning, x: number): number {
  const idx = numericBinIndex(binning.bounds, x);
  return idx < 0 ? binning.missingWoe : binning.woe[idx];
}

export function categoricalWoe(binning: CategoricalBinning, level: string): number {
  const idx = categoricalBinIndex(binning, level);
  return idx < 0 ? 0 : binning.woe[idx];
}
