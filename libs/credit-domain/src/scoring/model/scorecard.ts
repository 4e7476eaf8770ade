import { numericBinIndex } from './binning';

/**
 * Points-based scorecard: score = offset + factor·ln(odds good:bad), factor = PDO / ln 2, so every `pdo` points double
 * the odds of repaying, and `baseScore` sits at odds `baseOdds`:1.
 */
export interface ScoreScaling {
  baseScore: number;
  baseOdds: number;
  pdo: number;
  minScore: number;
  maxScore: number;
}

interface ScalingConstants {
  factor: number;
  offset: number;
}

export function scalingConstants(s: ScoreScaling): ScalingConstants {
  const factor = s.pdo / Math.LN2;
  return { factor, offset: s.baseScore - factor * Math.log(s.baseOdds) };
}

/** Integer score, clamped: the clamp only bites beyond odds the model can honestly tell apart. */
export function scoreFromLogOdds(logOddsGood: number, s: ScoreScaling): number {
  const { factor, offset } = scalingConstants(s);
  return Math.min(s.maxScore, Math.max(s.minScore, Math.round(offset + factor * logOddsGood)));
}

export function logOddsFromScore(score: number, s: ScoreScaling): number {
  const { factor, offset } = scalingConstants(s);
  return (score - offset) / factor;
}

export interface BandCutoff<B extends string = string> {
  band: B;
  /** Lowest score (inclusive) of the band; the last band should start at the minimum score. */
  minScore: number;
}

/** Cut-offs must be sorted from the best band down. */
export function bandFor<B extends string>(score: number, cutoffs: readonly BandCutoff<B>[]): B {
  for (const c of cutoffs) if (score >= c.minScore) return c.band;
  return cutoffs[cutoffs.length - 1].band;
}

type FeatureSource = 'expert-prior' | `trained:${string}`;

export interface ScorecardBin {
  /** Inclusive upper bound of the bin (the lower bound is the previous bin's); null for the open-ended last bin. */
  upper: number | null;
  labelEn: string;
  labelPt: string;
  /** ln(share of goods / share of bads) on the training data, or the prior's log-odds shift for expert priors. */
  woe: number;
  /** factor · coefficient · woe: the bin's contribution to the score. */
  points: number;
  /** Training counts behind a trained bin. */
  good?: number;
  bad?: number;
}

export interface ScorecardFeature {
  name: string;
  reasonCode: string;
  source: FeatureSource;
  description: string;
  /** How the value is derived from the domain facts; the scorer implements exactly this. */
  domainTransform: string;
  /** The public-data column(s) the bins were learnt from, for trained features. */
  analogue?: string;
  /** Business rule the bins were forced to respect: 'decreasing' = a larger value never adds points. */
  monotone: 'increasing' | 'decreasing' | 'none';
  /** Can the consumer change this factor (used for the improvement hint)? Age, say, cannot. */
  actionable: boolean;
  coefficient: number;
  informationValue?: number;
  bins: ScorecardBin[];
  /** Used when the value is unknown (NaN), e.g. no registration data. */
  missing: ScorecardBin;
}

interface FeatureContribution {
  feature: ScorecardFeature;
  /** Bin index, or -1 for the missing bin. */
  binIndex: number;
  bin: ScorecardBin;
  points: number;
  pointsLost: number;
}

interface ScorecardResult {
  rawScore: number;
  score: number;
  logOddsGood: number;
  probabilityOfDefault: number;
  contributions: FeatureContribution[];
}

export interface ScorecardDefinition {
  intercept: number;
  scaling: ScoreScaling;
  features: ScorecardFeature[];
}

function binFor(feature: ScorecardFeature, value: number): { index: number; bin: ScorecardBin } {
  if (Number.isNaN(value)) return { index: -1, bin: feature.missing };
  const bounds = feature.bins.slice(0, -1).map((b) => b.upper as number);
  const index = numericBinIndex(bounds, value);
  return { index, bin: feature.bins[index] };
}

const bestPoints = (feature: ScorecardFeature): number => Math.max(...feature.bins.map((b) => b.points));

/** Applies a scorecard to already-derived feature values (NaN = missing). */
export function applyScorecard(card: ScorecardDefinition, values: Readonly<Record<string, number>>): ScorecardResult {
  const { factor, offset } = scalingConstants(card.scaling);
  let raw = offset + factor * card.intercept;
  const contributions = card.features.map((feature) => {
    const value = values[feature.name];
    if (value === undefined) throw new RangeError(`no value for feature ${feature.name}`);
    const { index, bin } = binFor(feature, value);
    raw += bin.points;
    return {
      feature,
      binIndex: index,
      bin,
      points: bin.points,
      pointsLost: Math.max(0, bestPoints(feature) - bin.points),
    };
  });
  const logOddsGood = (raw - offset) / factor;
  return {
    rawScore: raw,
    score: Math.min(card.scaling.maxScore, Math.max(card.scaling.minScore, Math.round(raw))),
    logOddsGood,
    probabilityOfDefault: 1 / (1 + Math.exp(logOddsGood)),
    contributions,
  };
}

/** Reason codes: the factors that cost the most points against their best bin, largest first, only real losses. */
export function topReasons(result: ScorecardResult, max = 4): FeatureContribution[] {
  return result.contributions
    .filter((c) => c.pointsLost > 1e-9)
    .sort((a, b) => b.pointsLost - a.pointsLost || a.feature.name.localeCompare(b.feature.name))
    .slice(0, max);
}

interface ImprovementCandidate {
  feature: ScorecardFeature;
  from: ScorecardBin;
  to: ScorecardBin;
  /** Change of the final (rounded, clamped) score. */
  pointsGained: number;
}

/**
 * The cheapest single-factor change: for each actionable factor with a known value, the nearest bin that scores more
 * (one step, not a leap to the best bin); of those, the one that raises the final score most. Null when none does.
 */
export function bestImprovement(card: ScorecardDefinition, result: ScorecardResult): ImprovementCandidate | null {
  let best: ImprovementCandidate | null = null;
  for (const c of result.contributions) {
    if (!c.feature.actionable || c.binIndex < 0) continue;
    const bins = c.feature.bins;
    let target = -1;
    for (let d = 1; d < bins.length && target < 0; d++) {
      const candidates = [c.binIndex - d, c.binIndex + d].filter(
        (i) => i >= 0 && i < bins.length && bins[i].points > c.points + 1e-9,
      );
      if (candidates.length) target = candidates.sort((a, b) => bins[b].points - bins[a].points)[0];
    }
    if (target < 0) continue;
    const newRaw = result.rawScore - c.points + bins[target].points;
    const newScore = Math.min(card.scaling.maxScore, Math.max(card.scaling.minScore, Math.round(newRaw)));
    const gained = newScore - result.score;
    if (gained > 0 && (!best || gained > best.pointsGained))
      best = { feature: c.feature, from: c.bin, to: bins[target], pointsGained: gained };
  }
  return best;
}
