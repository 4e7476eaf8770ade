import { FeatureColumn } from './woe-model';

/**
 * A small histogram gradient-boosting classifier (logistic loss, depth-limited trees, Newton leaf values), used only
 * as a challenger row in the evaluation: if it beat the scorecard by a wide margin, the scorecard would be leaving
 * signal on the table. It never scores consumers — its trees cannot give per-factor reason codes.
 */
interface BoostingOptions {
  trees: number;
  depth: number;
  learningRate: number;
  minLeaf: number;
  lambda: number;
  maxBins: number;
}

/** Fixed, untuned settings (tuning on the evaluation folds would flatter the challenger). */
export const DEFAULT_BOOSTING: BoostingOptions = {
  trees: 100,
  depth: 3,
  learningRate: 0.1,
  minLeaf: 20,
  lambda: 1,
  maxBins: 32,
};

interface Node {
  feature: number;
  threshold: number;
  left: Node | number;
  right: Node | number;
}

type Encoder = (row: number) => number;

/** Per column, a map from a row to a small integer bin: quantiles for numbers, bad-rate order for categories. */
function buildEncoders(columns: FeatureColumn[], bad: ArrayLike<number>, train: number[], maxBins: number): Encoder[] {
  return columns.map((c) => {
    if (c.kind === 'numeric') {
      const sorted = train.map((r) => c.values[r]).sort((a, b) => a - b);
      const cuts = [
        ...new Set(
          Array.from({ length: maxBins - 1 }, (_, q) => sorted[Math.floor(((q + 1) * sorted.length) / maxBins)]),
        ),
      ].sort((a, b) => a - b);
      return (row: number) => {
        const x = c.values[row];
        let lo = 0;
        let hi = cuts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (x <= cuts[mid]) hi = mid;
          else lo = mid + 1;
        }
        return lo;
      };
    }
    const stats = new Map<string, { n: number; bad: number }>();
    for (const r of train) {
      const s = stats.get(c.values[r]) ?? { n: 0, bad: 0 };
      s.n++;
      s.bad += bad[r];
      stats.set(c.values[r], s);
    }
    const order = [...stats.entries()].sort(
      (a, b) => (a[1].bad + 1) / (a[1].n + 2) - (b[1].bad + 1) / (b[1].n + 2) || a[0].localeCompare(b[0]),
    );
    const index = new Map(order.map(([level], i) => [level, i]));
    const unseen = Math.floor(order.length / 2);
    return (row: number) => index.get(c.values[row]) ?? unseen;
  });
}

interface BoostedModel {
  predict(rows: number[]): Float64Array;
}

export function fitBoosting(
  columns: FeatureColumn[],
  bad: ArrayLike<number>,
  train: number[],
  options: BoostingOptions = DEFAULT_BOOSTING,
): BoostedModel {
  const encoders = buildEncoders(columns, bad, train, options.maxBins);
  const p = columns.length;
  const n = train.length;
  const rowCodes = new Uint8Array(n * p);
  const binsPer = new Int32Array(p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) {
      const code = encoders[j](train[i]);
      rowCodes[i * p + j] = code;
      binsPer[j] = Math.max(binsPer[j], code + 1);
    }
  }
  const stride = binsPer.reduce((a, b) => Math.max(a, b), 1);
  const y = Float64Array.from(train, (r) => bad[r]);
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const base = Math.log(mean / (1 - mean));
  const f = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: (Node | number)[] = [];

  const grow = (rows: Int32Array, depth: number): Node | number => {
    let G = 0;
    let H = 0;
    const m = rows.length;
    for (let k = 0; k < m; k++) {
      G += g[rows[k]];
      H += h[rows[k]];
    }
    const leaf = -G / (H + options.lambda);
    if (depth >= options.depth || m < 2 * options.minLeaf) return leaf;
    const parentScore = (G * G) / (H + options.lambda);
    // One pass over the node's rows fills every feature's histogram (row-major codes keep the reads local).
    const gh = new Float64Array(p * stride);
    const hh = new Float64Array(p * stride);
    const nh = new Int32Array(p * stride);
    for (let k = 0; k < m; k++) {
      const i = rows[k];
      const gi = g[i];
      const hi = h[i];
      const at = i * p;
      for (let j = 0; j < p; j++) {
        const b = j * stride + rowCodes[at + j];
        gh[b] += gi;
        hh[b] += hi;
        nh[b]++;
      }
    }
    let best = { gain: 1e-9, feature: -1, threshold: -1 };
    for (let j = 0; j < p; j++) {
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (let b = 0; b < binsPer[j] - 1; b++) {
        const at = j * stride + b;
        gl += gh[at];
        hl += hh[at];
        nl += nh[at];
        if (nl < options.minLeaf || m - nl < options.minLeaf) continue;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + options.lambda) + (gr * gr) / (hr + options.lambda) - parentScore;
        if (gain > best.gain) best = { gain, feature: j, threshold: b };
      }
    }
    if (best.feature < 0) return leaf;
    const left = rows.filter((i) => rowCodes[i * p + best.feature] <= best.threshold);
    const right = rows.filter((i) => rowCodes[i * p + best.feature] > best.threshold);
    return {
      feature: best.feature,
      threshold: best.threshold,
      left: grow(left, depth + 1),
      right: grow(right, depth + 1),
    };
  };

  const evalTree = (node: Node | number, codeOf: (j: number) => number): number => {
    while (typeof node !== 'number') node = codeOf(node.feature) <= node.threshold ? node.left : node.right;
    return node;
  };

  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < options.trees; t++) {
    for (let i = 0; i < n; i++) {
      const prob = 1 / (1 + Math.exp(-f[i]));
      g[i] = prob - y[i];
      h[i] = Math.max(prob * (1 - prob), 1e-12);
    }
    const tree = grow(all, 0);
    trees.push(tree);
    for (let i = 0; i < n; i++) f[i] += options.learningRate * evalTree(tree, (j) => rowCodes[i * p + j]);
  }

  return {
    predict(rows: number[]): Float64Array {
      return Float64Array.from(rows, (r) => {
        const rowCodes = encoders.map((e) => e(r));
        let z = base;
        for (const tree of trees) z += options.learningRate * evalTree(tree, (j) => rowCodes[j]);
        return 1 / (1 + Math.exp(-z));
      });
    },
  };
}
