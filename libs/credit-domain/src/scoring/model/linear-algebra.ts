/** Dense square matrices as arrays of rows: the systems solved here are at most a few dozen unknowns. */
export type Matrix = number[][];

/**
 * Solves A·x = b for a symmetric positive-definite A by Cholesky (A = L·Lᵀ). Returns null when A is not numerically
 * positive definite so the caller can fall back to pivoted elimination instead of dividing by ~0.
 */
export function choleskySolve(a: Matrix, b: number[]): number[] | null {
  const n = b.length;
  const l: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 1e-12 * Math.max(1, Math.abs(a[i][i])))) return null;
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
    y[i] = sum / l[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
    x[i] = sum / l[i][i];
  }
  return x;
}

/** Gaussian elimination with partial pivoting; throws on a singular system. Works on copies. */
export function gaussianSolve(a: Matrix, b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < 1e-14) throw new RangeError('singular system');
    if (pivot !== col) [m[pivot], m[col]] = [m[col], m[pivot]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = m[i][n];
    for (let c = i + 1; c < n; c++) sum -= m[i][c] * x[c];
    x[i] = sum / m[i][i];
  }
  return x;
}

/** Cholesky first (fast, exact for the SPD Hessians of a ridge-penalised likelihood), pivoted elimination otherwise. */
export function solveSymmetric(a: Matrix, b: number[]): number[] {
  return choleskySolve(a, b) ?? gaussianSolve(a, b);
}
