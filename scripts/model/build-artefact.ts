import {
  CreditModelArtefact,
  MetricRecord,
  NumericBinning,
  MetricSet,
  logOddsFromScore,
  scalingConstants,
  ScorecardBin,
  ScorecardFeature,
  binLabel,
  MISSING_LABEL,
} from '@app/credit-domain';
import { BAND_CUTOFFS, MODEL_VERSION, SCALING, SEED } from './config';
import { DATASETS, Dataset } from './datasets';
import { CAPACITY_MONTHS_OF_INCOME, EXPERT_FEATURES, TRAINED_FEATURES, trainedColumns } from './domain-features';
import { DatasetEvaluation } from './evaluation';
import { DEFAULT_WOE_MODEL_OPTIONS, fitWoeModel } from './woe-model';

/** Six decimals: enough for any score (a point is ~0.009 log-odds) and keeps the JSON diff-able and byte-stable. */
const r6 = (x: number): number => {
  const v = Number(x.toFixed(6));
  return Object.is(v, -0) ? 0 : v;
};

const metricRecord = (m: MetricSet): MetricRecord => ({
  auc: r6(m.auc),
  gini: r6(m.gini),
  ks: r6(m.ks),
  brier: r6(m.brier),
  accuracy: r6(m.accuracy),
  errorRate: r6(m.errorRate),
});

const WOE_SMOOTHING = 0.5;

/**
 * Trained factors are unknown only when the consumer gave no registration data. The public data has no such rows to
 * learn from, so the unknown bin scores like the feature's worst bin: withholding data must never beat disclosing it
 * (a neutral WoE of 0 would have rewarded an undeclared property over a declared "none").
 */
function missingBin(bins: ScorecardBin[]): ScorecardBin {
  const worst = bins.reduce((w, b) => (b.points < w.points ? b : w));
  return { upper: null, labelEn: MISSING_LABEL.en, labelPt: MISSING_LABEL.pt, woe: worst.woe, points: worst.points };
}

/**
 * Fits each data set's production features on all of its rows and assembles one scorecard.
 *
 * The parts are combined additively on the log-odds scale: the Taiwan part (the largest data, and the one about
 * delinquency) supplies the intercept, and each other part adds its evidence relative to its own base odds
 * (intercept − ln(goods/bads)). That is the naive-Bayes assumption that the parts are independent given the outcome —
 * untestable without data that holds both, and stated as a limit in docs/model-card.md.
 */
export function buildArtefact(datasets: Dataset[], evaluations: DatasetEvaluation[]): CreditModelArtefact {
  const { factor } = scalingConstants(SCALING);
  const params = { capacityMonthsOfIncome: CAPACITY_MONTHS_OF_INCOME };
  const features: ScorecardFeature[] = [];
  const dropped: CreditModelArtefact['droppedFeatures'] = [];
  const interceptDerivation: CreditModelArtefact['interceptDerivation'] = [];
  const order = ['taiwan', 'german'];
  for (const ds of [...datasets].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))) {
    const rows = Array.from({ length: ds.rowCount }, (_, i) => i);
    const model = fitWoeModel(trainedColumns(ds), ds.bad, rows, DEFAULT_WOE_MODEL_OPTIONS);
    const bads = ds.bad.reduce((s, b) => s + b, 0);
    const logPriorOdds = Math.log((ds.rowCount - bads) / bads);
    const isBase = interceptDerivation.length === 0;
    interceptDerivation.push({
      dataset: ds.name,
      intercept: r6(model.intercept),
      logPriorOdds: r6(logPriorOdds),
      contribution: r6(isBase ? model.intercept : model.intercept - logPriorOdds),
    });
    for (const d of model.dropped) dropped.push({ name: d.name, source: `trained:${ds.name}`, reason: d.reason });
    for (const f of model.features) {
      const spec = TRAINED_FEATURES.find((s) => s.name === f.column.name)!;
      const binning = f.binning as NumericBinning;
      const bins: ScorecardBin[] = binning.woe.map((woe, i) => {
        const label = binLabel(
          spec.name,
          {
            lower: i === 0 ? null : binning.bounds[i - 1],
            upper: i < binning.bounds.length ? binning.bounds[i] : null,
          },
          params,
        );
        return {
          upper: i < binning.bounds.length ? binning.bounds[i] : null,
          labelEn: label.en,
          labelPt: label.pt,
          woe: r6(woe),
          points: r6(factor * f.coefficient * woe),
          good: binning.counts[i].good,
          bad: binning.counts[i].bad,
        };
      });
      features.push({
        name: spec.name,
        reasonCode: spec.reasonCode,
        source: `trained:${ds.name}`,
        description: spec.description,
        domainTransform: spec.domainTransform,
        analogue: spec.analogue,
        monotone: spec.monotone,
        actionable: spec.actionable,
        coefficient: r6(f.coefficient),
        informationValue: r6(binning.iv),
        bins,
        missing: missingBin(bins),
      });
    }
  }
  for (const spec of EXPERT_FEATURES) {
    features.push({
      name: spec.name,
      reasonCode: spec.reasonCode,
      source: 'expert-prior',
      description: `${spec.description} ${spec.rationale}`,
      domainTransform: spec.domainTransform,
      monotone: spec.monotone,
      actionable: spec.actionable,
      coefficient: 1,
      bins: spec.bins.map((b, i) => {
        const label = binLabel(spec.name, { lower: i === 0 ? null : spec.bins[i - 1].upper, upper: b.upper }, params);
        return { upper: b.upper, labelEn: label.en, labelPt: label.pt, woe: b.woe, points: r6(factor * b.woe) };
      }),
      missing: { upper: null, labelEn: MISSING_LABEL.en, labelPt: MISSING_LABEL.pt, woe: 0, points: 0 },
    });
  }
  const intercept = interceptDerivation.reduce((s, t) => s + t.contribution, 0);
  return {
    schemaVersion: 1,
    modelVersion: MODEL_VERSION,
    description:
      'Weight-of-evidence logistic scorecard. Delinquency, debt burden and age bins are learnt from the UCI Taiwan credit card data, ' +
      'income tenure and property from the UCI German credit data; inquiries, card declines and cash flow are expert priors. ' +
      'Probabilities are on the scale of the Taiwan card population (22% default rate) and rank consumers; they are not calibrated to ours.',
    trainingData: datasets.map((ds) => ({
      name: ds.name,
      title: DATASETS[ds.name].title,
      file: `data/credit-datasets/${DATASETS[ds.name].file}`,
      sha256: ds.sha256,
      rows: ds.rowCount,
      bads: ds.bad.reduce((s, b) => s + b, 0),
    })),
    parameters: {
      seed: SEED,
      ridge: DEFAULT_WOE_MODEL_OPTIONS.ridge,
      minInformationValue: DEFAULT_WOE_MODEL_OPTIONS.minInformationValue,
      woeSmoothing: WOE_SMOOTHING,
      capacityMonthsOfIncome: CAPACITY_MONTHS_OF_INCOME,
    },
    intercept: r6(intercept),
    interceptDerivation,
    scaling: { ...SCALING },
    bands: BAND_CUTOFFS.map((b) => ({
      band: b.band,
      minScore: b.minScore,
      maxProbabilityOfDefault: r6(1 / (1 + Math.exp(logOddsFromScore(b.minScore, SCALING)))),
    })),
    features,
    droppedFeatures: dropped,
    excludedAttributes: [
      { dataset: 'taiwan', column: 'SEX', meaning: 'sex' },
      { dataset: 'taiwan', column: 'MARRIAGE', meaning: 'marital status' },
      { dataset: 'german', column: 'A9', meaning: 'personal status and sex' },
      { dataset: 'german', column: 'A20', meaning: 'foreign worker' },
    ],
    metrics: Object.fromEntries(
      evaluations.map((e) => [
        e.dataset.name,
        {
          folds: e.folds,
          seed: SEED,
          benchmark: metricRecord(e.benchmark.metrics),
          productionFeatures: metricRecord(e.productionFeatures.metrics),
        },
      ]),
    ),
  };
}
