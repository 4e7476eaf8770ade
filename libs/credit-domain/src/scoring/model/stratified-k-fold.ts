import { mulberry32, shuffleInPlace } from './prng';

/**
 * Assigns every row to one of `k` folds so that each fold keeps the class mix of the whole set (stratification matters
 * for the German data, where a plain split can leave a fold with a visibly different bad rate).
 * Returns fold[i] in 0..k-1. The same labels, k and seed always give the same assignment.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be an integer >= 2');
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]) ?? [];
    rows.push(i);
    byClass.set(labels[i], rows);
  }
  for (const rows of byClass.values()) {
    if (rows.length < k) throw new RangeError(`a class has ${rows.length} rows, fewer than k = ${k}`);
  }
  const random = mulberry32(seed);
  const fold = new Int32Array(labels.length);
  // Dealing each shuffled class round-robin, continuing where the previous class stopped, keeps fold sizes within one
  // row.
  let next = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const row of shuffleInPlace(byClass.get(cls)!, random)) {
      fold[row] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

/** Row indices of the training and test part for one fold. */
export function foldIndices(fold: Int32Array, testFold: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === testFold ? test : train).push(i);
  return { train, test };
}
