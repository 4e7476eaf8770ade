import { choleskySolve, gaussianSolve, solveSymmetric } from './linear-algebra';

describe('linear solvers', () => {
  // A = [[4,2],[2,3]], b = [10, 8]: det 8, x = [(30-16)/8, (32-20)/8] = [1.75, 1.5].
  it('Cholesky solves a symmetric positive-definite system', () => {
    const x = choleskySolve(
      [
        [4, 2],
        [2, 3],
      ],
      [10, 8],
    )!;
    expect(x[0]).toBeCloseTo(1.75, 12);
    expect(x[1]).toBeCloseTo(1.5, 12);
  });

  it('Cholesky declines a matrix that is not positive definite', () => {
    expect(
      choleskySolve(
        [
          [1, 2],
          [2, 1],
        ],
        [1, 1],
      ),
    ).toBeNull();
  });

  it('Gaussian elimination pivots past a zero on the diagonal', () => {
    // [[0,1],[1,0]]·x = [2,3] → x = [3,2]; without pivoting this divides by zero.
    expect(
      gaussianSolve(
        [
          [0, 1],
          [1, 0],
        ],
        [2, 3],
      ),
    ).toEqual([3, 2]);
  });

  it('Gaussian elimination rejects a singular system', () => {
    expect(() =>
      gaussianSolve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(RangeError);
  });

  it('solveSymmetric falls back to pivoting for an indefinite symmetric matrix', () => {
    const x = solveSymmetric(
      [
        [1, 2],
        [2, 1],
      ],
      [3, 3],
    );
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(1, 12);
  });

  it('agrees between methods on a 3×3 SPD system', () => {
    const a = [
      [6, 2, 1],
      [2, 5, 2],
      [1, 2, 4],
    ];
    const b = [1, 2, 3];
    const c = choleskySolve(a, b)!;
    const g = gaussianSolve(a, b);
    c.forEach((v, i) => expect(v).toBeCloseTo(g[i], 12));
    a.forEach((row, i) => expect(row.reduce((s, v, j) => s + v * c[j], 0)).toBeCloseTo(b[i], 12));
  });
});
