import { MetricSet } from './metrics';
import { BandCutoff, ScorecardDefinition, ScorecardFeature } from './scorecard';

interface TrainingDataRecord {
  name: string;
  title: string;
  file: string;
  sha256: string;
  rows: number;
  bads: number;
}

/** The metrics as stored in the artefact: a MetricSet rounded to six decimals, so the JSON is stable. */
export type MetricRecord = MetricSet;

interface DatasetMetrics {
  folds: number;
  seed: number;
  /** The WoE-logistic method on every non-protected column of the data set: validates the method. */
  benchmark: MetricRecord;
  /**
   * Only the columns that feed the production card (its bins and weights): what our card's part learnt from this data.
   */
  productionFeatures: MetricRecord;
}

/**
 * The versioned, checked-in output of `npm run model:train`: everything needed to score, and to explain later how a
 * score was produced (data hashes, parameters, metrics). Written deterministically: same data + code → same bytes.
 */
export interface CreditModelArtefact extends ScorecardDefinition {
  schemaVersion: 1;
  modelVersion: string;
  description: string;
  trainingData: TrainingDataRecord[];
  parameters: {
    seed: number;
    ridge: number;
    minInformationValue: number;
    woeSmoothing: number;
    capacityMonthsOfIncome: number;
  };
  /** How the intercept (log-odds of being good with all features at WoE 0) was put together. */
  interceptDerivation: { dataset: string; intercept: number; logPriorOdds: number; contribution: number }[];
  bands: (BandCutoff<'A' | 'B' | 'C' | 'D' | 'E'> & { maxProbabilityOfDefault: number })[];
  features: ScorecardFeature[];
  droppedFeatures: { name: string; source: string; reason: string }[];
  excludedAttributes: { dataset: string; column: string; meaning: string }[];
  metrics: Record<string, DatasetMetrics>;
}
