import { fitLogisticRegression, predictProbability, sigmoid } from './logistic-regression';

describe('fitLogisticRegression (Newton / IRLS)', () => {
  it('reaches the closed-form MLE for one binary predictor', () => {
    // x = 0: 1 of 4 positive → b0 = logit(1/4) = ln(1/3); x = 1: 3 of 4 → b0 + b1 = logit(3/4) = ln 3, so b1 = 2·ln 3.
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const m = fitLogisticRegression(x, y);
    expect(m.converged).toBe(true);
    expect(m.intercept).toBeCloseTo(Math.log(1 / 3), 8);
    expect(m.coefficients[0]).toBeCloseTo(2 * Math.log(3), 8);
    expect(predictProbability(m, [1])).toBeCloseTo(0.75, 8);
    // Deviance of the saturated-by-group fit: −2·Σ ln p(y) = −2·8·ln(3/4)... per row: 6 rows at 3/4, 2 at 1/4.
    expect(m.deviance).toBeCloseTo(-2 * (6 * Math.log(0.75) + 2 * Math.log(0.25)), 8);
  });

  it('fits the intercept-only model at the log-odds of the mean', () => {
    const y = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const m = fitLogisticRegression(
      y.map(() => []),
      y,
    );
    expect(m.intercept).toBeCloseTo(Math.log(3 / 7), 10);
    expect(m.coefficients).toEqual([]);
  });

  it('takes the hand-derived first Newton step from β = 0', () => {
    // At β = 0 every p = 1/2, w = 1/4. x = (−1, 0, 1), y = (0, 1, 1):
    // g = [Σ(y − ½), Σx(y − ½)] = [0.5, 1]; H = ¼·[[3, Σx], [Σx, Σx²]] = [[0.75, 0], [0, 0.5]]; step = [2/3, 2].
    const x = [[-1], [0], [1]];
    const y = [0, 1, 1];
    const one = fitLogisticRegression(x, y, { maxIterations: 1 });
    expect(one.iterations).toBe(1);
    expect(one.converged).toBe(false);
    expect(one.intercept).toBeCloseTo(2 / 3, 12);
    expect(one.coefficients[0]).toBeCloseTo(2, 12);
    // With ridge λ = 1 only the slope is penalised: H11 = 0.5 + 1, so its step is 1 / 1.5; the intercept step is
    // unchanged.
    const ridged = fitLogisticRegression(x, y, { maxIterations: 1, ridge: 1 });
    expect(ridged.intercept).toBeCloseTo(2 / 3, 12);
    expect(ridged.coefficients[0]).toBeCloseTo(2 / 3, 12);
  });

  it('satisfies the penalised score equations at convergence: Σ(y − p) = 0 and Σx(y − p) = λβ', () => {
    const x = [
      [0.5, 1],
      [1.5, -1],
      [2, 0],
      [-1, 2],
      [0, 0],
      [3, 1],
      [-2, -1],
      [1, 1],
    ];
    const y = [0, 1, 1, 0, 0, 1, 0, 1];
    const ridge = 0.7;
    const m = fitLogisticRegression(x, y, { ridge, tolerance: 1e-12 });
    expect(m.converged).toBe(true);
    const residual = x.map((row, i) => y[i] - predictProbability(m, row));
    expect(residual.reduce((s, r) => s + r, 0)).toBeCloseTo(0, 9);
    for (let j = 0; j < 2; j++) {
      expect(x.reduce((s, row, i) => s + row[j] * residual[i], 0)).toBeCloseTo(ridge * m.coefficients[j], 9);
    }
  });

  it('stays finite under complete separation thanks to the ridge', () => {
    const x = [[-2], [-1], [1], [2]];
    const y = [0, 0, 1, 1];
    const m = fitLogisticRegression(x, y, { ridge: 0.1 });
    expect(m.converged).toBe(true);
    expect(Number.isFinite(m.coefficients[0])).toBe(true);
    expect(m.coefficients[0]).toBeGreaterThan(0);
  });

  it('computes σ without overflow at extreme inputs', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('rejects mismatched input', () => {
    expect(() => fitLogisticRegression([[1]], [1, 0])).toThrow(RangeError);
    expect(() => fitLogisticRegression([], [])).toThrow(RangeError);
  });
});
