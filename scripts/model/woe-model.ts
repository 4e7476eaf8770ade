import {
  binCategorical,
  binNumeric,
  CategoricalBinning,
  CategoricalBinningOptions,
  categoricalWoe,
  NumericBinning,
  NumericBinningOptions,
  numericWoe,
  fitLogisticRegression,
  LogisticModel,
  sigmoid,
} from '@app/credit-domain';

/** A model input column, already derived from the raw data, with how it should be binned. */
export type FeatureColumn =
  | { name: string; kind: 'numeric'; values: Float64Array; binning?: NumericBinningOptions }
  | { name: string; kind: 'categorical'; values: string[]; binning?: CategoricalBinningOptions };

interface WoeModelOptions {
  ridge: number;
  /** Columns whose training information value is below this are left out (noise at best). */
  minInformationValue: number;
}

export const DEFAULT_WOE_MODEL_OPTIONS: WoeModelOptions = { ridge: 1, minInformationValue: 0.02 };

interface FittedFeature {
  column: FeatureColumn;
  binning: NumericBinning | CategoricalBinning;
  coefficient: number;
}

interface WoeLogisticModel {
  /** ln(odds good) = intercept + Σ coefficient·WoE. */
  intercept: number;
  features: FittedFeature[];
  fit: LogisticModel;
  /** Columns dropped, and why. */
  dropped: { name: string; reason: string }[];
}

function woeOf(f: { column: FeatureColumn; binning: NumericBinning | CategoricalBinning }, row: number): number {
  return f.column.kind === 'numeric'
    ? numericWoe(f.binning as NumericBinning, f.column.values[row])
    : categoricalWoe(f.binning as CategoricalBinning, f.column.values[row]);
}

/**
 * Bins every column on the training rows only (so cross-validation never sees test labels), encodes WoE, and fits a
 * ridge logistic regression for the odds of being good. A WoE column must get a positive weight — otherwise its bins
 * would score backwards against their own evidence — so negative ones (collinearity) are dropped one at a time and
 * the model refitted.
 */
export function fitWoeModel(
  columns: FeatureColumn[],
  bad: ArrayLike<number>,
  rows: number[],
  options: WoeModelOptions = DEFAULT_WOE_MODEL_OPTIONS,
): WoeLogisticModel {
  const dropped: { name: string; reason: string }[] = [];
  const trainBad = Uint8Array.from(rows, (r) => bad[r]);
  const candidates: { column: FeatureColumn; binning: NumericBinning | CategoricalBinning }[] = [];
  for (const column of columns) {
    const binning =
      column.kind === 'numeric'
        ? binNumeric(
            Float64Array.from(rows, (r) => column.values[r]),
            trainBad,
            column.binning,
          )
        : binCategorical(
            rows.map((r) => column.values[r]),
            trainBad,
            column.binning,
          );
    if (binning.iv < options.minInformationValue || binning.woe.length < 2) {
      dropped.push({
        name: column.name,
        reason: `information value ${binning.iv.toFixed(4)} < ${options.minInformationValue}`,
      });
    } else {
      candidates.push({ column, binning });
    }
  }
  const good = Float64Array.from(rows, (r) => 1 - bad[r]);
  // WoE-encode once; refits after a drop only select columns.
  const encoded = candidates.map((c) => {
    const col = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) col[i] = woeOf(c, rows[i]);
    return col;
  });
  let active = candidates.map((_, j) => j);
  let start: number[] | undefined;
  for (;;) {
    const x = rows.map((_, i) => {
      const row = new Float64Array(active.length);
      for (let a = 0; a < active.length; a++) row[a] = encoded[active[a]][i];
      return row;
    });
    const fit = fitLogisticRegression(x, good, { ridge: options.ridge, maxIterations: 100, tolerance: 1e-9, start });
    let worst = -1;
    fit.coefficients.forEach((b, j) => {
      if (b <= 0 && (worst < 0 || b < fit.coefficients[worst])) worst = j;
    });
    if (worst < 0) {
      return {
        intercept: fit.intercept,
        features: active.map((j, a) => ({ ...candidates[j], coefficient: fit.coefficients[a] })),
        fit,
        dropped,
      };
    }
    dropped.push({
      name: candidates[active[worst]].column.name,
      reason: `coefficient ${fit.coefficients[worst].toFixed(4)} ≤ 0 given the other columns`,
    });
    active = active.filter((_, a) => a !== worst);
    start = [fit.intercept, ...fit.coefficients.filter((_, a) => a !== worst)];
  }
}

export function logOddsGood(model: WoeLogisticModel, row: number): number {
  let z = model.intercept;
  for (const f of model.features) z += f.coefficient * woeOf(f, row);
  return z;
}

export function predictDefault(model: WoeLogisticModel, rows: number[]): Float64Array {
  return Float64Array.from(rows, (r) => sigmoid(-logOddsGood(model, r)));
}
