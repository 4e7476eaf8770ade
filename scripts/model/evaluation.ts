import { evaluatePredictions, MetricSet } from '@app/credit-domain';
import { germanBenchmarkColumns, taiwanBenchmarkColumns } from './benchmark-features';
import { FOLDS, SEED } from './config';
import { crossValidate } from './cross-validation';
import { Dataset } from './datasets';
import { trainedColumns } from './domain-features';
import { DEFAULT_BOOSTING, fitBoosting } from './gradient-boosting';
import { DEFAULT_WOE_MODEL_OPTIONS, FeatureColumn, fitWoeModel, predictDefault } from './woe-model';

interface ModelEvaluation {
  /** Out-of-fold probabilities of default, one per row. */
  oof: Float64Array;
  metrics: MetricSet;
}

export interface DatasetEvaluation {
  dataset: Dataset;
  folds: number;
  benchmark: ModelEvaluation;
  productionFeatures: ModelEvaluation;
  /** Gradient-boosting challenger on the benchmark columns (without the hand-made crosses: trees find interactions). */
  challenger?: ModelEvaluation;
}

export type Progress = (label: string, done: number, total: number) => void;

function evaluateColumns(
  ds: Dataset,
  columns: FeatureColumn[],
  folds: number,
  label: string,
  progress?: Progress,
): ModelEvaluation {
  const oof = crossValidate(
    ds.bad,
    folds,
    SEED,
    (train, test) => predictDefault(fitWoeModel(columns, ds.bad, train, DEFAULT_WOE_MODEL_OPTIONS), test),
    (done, total) => progress?.(label, done, total),
  );
  return { oof, metrics: evaluatePredictions(ds.bad, oof) };
}

/** Stratified k-fold CV of the benchmark feature set and of the production feature subset, same folds for both. */
export function evaluateDataset(
  ds: Dataset,
  progress?: Progress,
  options: { challenger?: boolean } = {},
): DatasetEvaluation {
  const folds = FOLDS[ds.name];
  const benchmarkColumns = ds.name === 'taiwan' ? taiwanBenchmarkColumns(ds) : germanBenchmarkColumns(ds);
  const result: DatasetEvaluation = {
    dataset: ds,
    folds,
    benchmark: evaluateColumns(ds, benchmarkColumns, folds, `${ds.name} benchmark`, progress),
    productionFeatures: evaluateColumns(ds, trainedColumns(ds), folds, `${ds.name} production features`, progress),
  };
  if (options.challenger) {
    const columns = benchmarkColumns.filter((c) => !c.name.includes('_x_'));
    const oof = crossValidate(
      ds.bad,
      folds,
      SEED,
      (train, test) => fitBoosting(columns, ds.bad, train, DEFAULT_BOOSTING).predict(test),
      (done, total) => progress?.(`${ds.name} gradient-boosting challenger`, done, total),
    );
    result.challenger = { oof, metrics: evaluatePredictions(ds.bad, oof) };
  }
  return result;
}
