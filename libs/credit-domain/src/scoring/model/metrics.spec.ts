import { accuracy, auc, brier, calibrationTable, errorRate, evaluatePredictions, gini, ks } from './metrics';

describe('metrics', () => {
  it('AUC counts the pairs ranked correctly', () => {
    // Bads at 0.35 and 0.8, goods at 0.1 and 0.4: 3 of the 4 bad/good pairs are ordered right.
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
  });

  it('AUC counts a tie as half a pair', () => {
    // Bad 0.5 vs goods 0.5 (tie, ½) and 0.2 (1); bad 0.9 vs both goods (1 + 1): 3.5 / 4.
    expect(auc([1, 0, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
    expect(auc([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('AUC is undefined with one class', () => {
    expect(auc([0, 0], [0.1, 0.2])).toBeNaN();
  });

  it('Gini = 2·AUC − 1', () => {
    expect(gini(0.75)).toBeCloseTo(0.5, 12);
  });

  it('KS is the largest gap between the cumulative bad and good shares', () => {
    // Riskiest first: 0.8 (bad) → bad 1/2, good 0 → gap 0.5; 0.4 (good) → 1/2 vs 1/2; 0.35 (bad) → 1 vs 1/2 → 0.5; 0.1
    // → 0.
    expect(ks([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.5, 12);
    expect(ks([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
  });

  it('KS moves tied predictions together', () => {
    // All tied: no threshold separates anything.
    expect(ks([1, 0, 1, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0);
    // Tie at 0.5 between a bad and a good: after 0.9 gap = 1/2; after the tie, bads 1, goods 1/2 → 1/2.
    expect(ks([1, 0, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.5, 12);
  });

  it('Brier is the mean squared error of the probabilities', () => {
    // (0.1² + 0.4² + 0.65² + 0.2²) / 4 = (0.01 + 0.16 + 0.4225 + 0.04) / 4
    expect(brier([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.158125, 12);
  });

  it('accuracy and error rate at a threshold', () => {
    expect(accuracy([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(errorRate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.3)).toBe(0.25);
    expect(accuracy([1], [0.5])).toBe(1);
  });

  it('groups predictions into equal-count bins for calibration', () => {
    const pd = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const bad = [0, 0, 0, 1, 1, 1];
    const rows = calibrationTable(bad, pd, 3);
    expect(rows.map((r) => r.count)).toEqual([2, 2, 2]);
    expect(rows[0].meanPredicted).toBeCloseTo(0.15, 12);
    expect(rows.map((r) => r.observedRate)).toEqual([0, 0.5, 1]);
  });

  it('bundles every metric', () => {
    const m = evaluatePredictions([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(m).toEqual({
      auc: 0.75,
      gini: 0.5,
      ks: 0.5,
      brier: expect.closeTo(0.158125, 12),
      accuracy: 0.75,
      errorRate: 0.25,
    });
  });
});
