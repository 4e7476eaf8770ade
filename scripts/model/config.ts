import { ScoreScaling } from '@app/credit-domain';

/** Fixed so that folds, metrics and the artefact are identical on every run. */
export const SEED = 20240601;
export const FOLDS = { taiwan: 10, german: 10 } as const;

export const MODEL_VERSION = 'woe-logistic-v1';
export const ARTEFACT_PATH = 'libs/credit-domain/src/scoring/artefacts/credit-model-v1.json';

/**
 * 500 points at even odds (PD 50%), +80 points per doubling of the odds of repaying. With the Taiwan-based intercept
 * the attainable range is roughly 50..870, so the 0..1000 clamp never decides a real case.
 */
export const SCALING: ScoreScaling = { baseScore: 500, baseOdds: 1, pdo: 80, minScore: 0, maxScore: 1000 };

/** Round scores whose probabilities of default are round-ish: 800 ≈ 7%, 700 ≈ 15%, 600 ≈ 30%, 500 = 50%. */
export const BAND_CUTOFFS = [
  { band: 'A', minScore: 800 },
  { band: 'B', minScore: 700 },
  { band: 'C', minScore: 600 },
  { band: 'D', minScore: 500 },
  { band: 'E', minScore: 0 },
] as const;

/** Published figures the evaluation is compared against (see data/credit-datasets/README.md). */
export const TARGETS = {
  taiwan: { minAuc: 0.77, maxErrorRate: 0.18 },
  german: { minAuc: 0.78 },
} as const;

/** The audit's approval rule: band C or better (PD below ~30% on the production scaling). */
export const AUDIT_APPROVAL_MAX_PD = 0.3;
