import { Matrix, solveSymmetric } from './linear-algebra';

interface LogisticFitOptions {
  /**
   * L2 penalty on the slopes (never on the intercept): keeps the fit finite under separation and tames collinear WoE
   * columns.
   */
  ridge?: number;
  maxIterations?: number;
  /** Converged when the largest coefficient change of a Newton step is below this. */
  tolerance?: number;
  /** Starting point [intercept, ...slopes]; a warm start from a nearby fit saves most of the iterations. */
  start?: number[];
}

export interface LogisticModel {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
  /** −2·log-likelihood at the solution (without the penalty). */
  deviance: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function linearPredictor(row: ArrayLike<number>, beta: number[]): number {
  let z = beta[0];
  for (let j = 0; j < row.length; j++) z += beta[j + 1] * row[j];
  return z;
}

function penalisedObjective(
  x: ArrayLike<number>[],
  y: ArrayLike<number>,
  beta: number[],
  ridge: number,
): { deviance: number; objective: number } {
  let logLik = 0;
  for (let i = 0; i < x.length; i++) {
    const z = linearPredictor(x[i], beta);
    // log(1 + e^z) computed without overflow.
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    logLik += y[i] * z - softplus;
  }
  let penalty = 0;
  for (let j = 1; j < beta.length; j++) penalty += beta[j] * beta[j];
  return { deviance: -2 * logLik, objective: -logLik + 0.5 * ridge * penalty };
}

/**
 * Maximum (penalised) likelihood logistic regression, P(y = 1 | x) = σ(b0 + Σ bj·xj), by Newton–Raphson / IRLS:
 * β ← β + H⁻¹·g with g = Xᵀ(y − p) − λβ̃ and H = XᵀWX + λĨ, W = diag(p(1 − p)), β̃ and Ĩ zero on the intercept.
 * A step that worsens the penalised objective is halved, which keeps Newton monotone on badly scaled data.
 */
export function fitLogisticRegression(
  x: ArrayLike<number>[],
  y: ArrayLike<number>,
  options: LogisticFitOptions = {},
): LogisticModel {
  const ridge = options.ridge ?? 0;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  if (x.length !== y.length) throw new RangeError('x and y differ in length');
  if (x.length === 0) throw new RangeError('no rows');
  const p = x[0].length;
  const dim = p + 1;
  if (options.start && options.start.length !== dim) throw new RangeError(`start must have ${dim} values`);
  let beta = options.start ? [...options.start] : new Array<number>(dim).fill(0);
  let current = penalisedObjective(x, y, beta, ridge);
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const gradient = new Array<number>(dim).fill(0);
    const hessian: Matrix = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
    for (let i = 0; i < x.length; i++) {
      const row = x[i];
      const mu = sigmoid(linearPredictor(row, beta));
      const w = mu * (1 - mu);
      const r = y[i] - mu;
      gradient[0] += r;
      hessian[0][0] += w;
      for (let a = 0; a < p; a++) {
        const xa = row[a];
        if (xa === 0) continue;
        gradient[a + 1] += r * xa;
        const wxa = w * xa;
        hessian[a + 1][0] += wxa;
        for (let b = 0; b <= a; b++) hessian[a + 1][b + 1] += wxa * row[b];
      }
    }
    for (let a = 1; a < dim; a++) {
      gradient[a] -= ridge * beta[a];
      hessian[a][a] += ridge;
      for (let b = 0; b < a; b++) hessian[b][a] = hessian[a][b];
    }
    const step = solveSymmetric(hessian, gradient);
    let scale = 1;
    let candidate = beta.map((v, j) => v + step[j]);
    let next = penalisedObjective(x, y, candidate, ridge);
    while (next.objective > current.objective + 1e-12 * Math.abs(current.objective) && scale > 1e-6) {
      scale /= 2;
      candidate = beta.map((v, j) => v + scale * step[j]);
      next = penalisedObjective(x, y, candidate, ridge);
    }
    const change = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta = candidate;
    current = next;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return { intercept: beta[0], coefficients: beta.slice(1), iterations, converged, deviance: current.deviance };
}

export function predictProbability(
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>,
  row: ArrayLike<number>,
): number {
  return sigmoid(linearPredictor(row, [model.intercept, ...model.coefficients]));
}

export { sigmoid };
