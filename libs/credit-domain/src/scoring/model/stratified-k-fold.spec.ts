import { foldIndices, stratifiedKFold } from './stratified-k-fold';

const labels = Array.from({ length: 103 }, (_, i) => (i % 10 < 3 ? 1 : 0));

describe('stratifiedKFold', () => {
  it('is deterministic: same seed, same folds; another seed, other folds', () => {
    expect(Array.from(stratifiedKFold(labels, 5, 123))).toEqual(Array.from(stratifiedKFold(labels, 5, 123)));
    expect(Array.from(stratifiedKFold(labels, 5, 123))).not.toEqual(Array.from(stratifiedKFold(labels, 5, 124)));
  });

  it('puts every row in exactly one fold, with balanced sizes and class mix', () => {
    const fold = stratifiedKFold(labels, 5, 1);
    const positives = labels.filter((l) => l === 1).length;
    const sizes: number[] = [];
    for (let f = 0; f < 5; f++) {
      const { train, test } = foldIndices(fold, f);
      expect(train.length + test.length).toBe(labels.length);
      expect(new Set([...train, ...test]).size).toBe(labels.length);
      sizes.push(test.length);
      const pos = test.filter((r) => labels[r] === 1).length;
      expect(Math.abs(pos - positives / 5)).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('refuses k < 2 and classes smaller than k', () => {
    expect(() => stratifiedKFold(labels, 1, 1)).toThrow(RangeError);
    expect(() => stratifiedKFold([0, 0, 0, 1], 2, 1)).toThrow(RangeError);
  });
});
