import { foldIndices, stratifiedKFold } from '@app/credit-domain';

/**
 * Out-of-fold predictions: each row is predicted by the model trained on the other k−1 folds, so every metric
 * computed on them is an honest estimate for unseen applicants.
 */
export function crossValidate(
  bad: Uint8Array,
  k: number,
  seed: number,
  fitAndPredict: (train: number[], test: number[]) => Float64Array,
  onFold?: (done: number, total: number) => void,
): Float64Array {
  const fold = stratifiedKFold(bad, k, seed);
  const oof = new Float64Array(bad.length);
  for (let f = 0; f < k; f++) {
    const { train, test } = foldIndices(fold, f);
    const pd = fitAndPredict(train, test);
    test.forEach((row, i) => (oof[row] = pd[i]));
    onFold?.(f + 1, k);
  }
  return oof;
}
