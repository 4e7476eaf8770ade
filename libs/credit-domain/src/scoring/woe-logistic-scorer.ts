import { RATING_BANDS, RatingBand, ReasonCode } from '../rating/rating';
import artefactJson from './artefacts/credit-model-v1.json';
import { CreditScorer, ScoreOutcome } from './credit-scorer';
import { CreditModelArtefact } from './model/credit-model-artefact';
import { applyScorecard, bandFor, bestImprovement, topReasons } from './model/scorecard';
import { improvementText, reasonText } from './reason-texts';
import { ScoringFacts } from './scoring-facts';

type Transform = (facts: ScoringFacts, params: CreditModelArtefact['parameters']) => number;

const hasRegistration = (f: ScoringFacts): boolean => f.ageYears !== null;

/** Amount against the assumed borrowing capacity; known to be 0 without debt even when income is unknown. */
function burden(amountCents: number, facts: ScoringFacts, capacityMonths: number): number {
  if (amountCents <= 0) return 0;
  if (!hasRegistration(facts)) return NaN;
  if (facts.monthlyIncomeCents <= 0) return Infinity;
  return amountCents / (capacityMonths * facts.monthlyIncomeCents);
}

/**
 * Domain facts → model inputs, one per feature name an artefact may use; each mirrors the `domainTransform` text
 * recorded in the artefact. NaN means "unknown" and lands in the feature's missing bin.
 */
const TRANSFORMS: Record<string, Transform> = {
  maxDaysOverdue: (f) => f.maxDaysOverdue,
  overdueDebtCount: (f) => f.overdueDebtCount,
  openDebtCount: (f) => f.openDebtCount,
  overdueBurden: (f, p) => burden(f.overdueDebtCents, f, p.capacityMonthsOfIncome),
  debtBurden: (f, p) => burden(f.openDebtCents, f, p.capacityMonthsOfIncome),
  ageYears: (f) => f.ageYears ?? NaN,
  incomeTenureMonths: (f) => (!hasRegistration(f) ? NaN : f.incomeSourceCount === 0 ? -1 : f.longestIncomeMonths),
  propertyTier: (f) => (!hasRegistration(f) ? NaN : f.realEstateCount > 0 ? 2 : f.assetsValueCents > 0 ? 1 : 0),
  inquiriesLast6Months: (f) => f.inquiriesLast6Months,
  cardDeclined90d: (f) => f.cardDeclined90d,
  cashFlowRatio: (f) =>
    f.inflow90dCents <= 0 ? (f.outflow90dCents > 0 ? Infinity : NaN) : f.outflow90dCents / f.inflow90dCents,
};

/**
 * Refuses an artefact the scorer cannot honour: unknown features, bins out of order, or points that break a
 * monotonicity business rule (e.g. more days overdue earning points) — better no model than a wrong one.
 */
export function validateArtefact(value: unknown): CreditModelArtefact {
  const a = value as CreditModelArtefact;
  const fail = (why: string): never => {
    throw new Error(`invalid credit model artefact: ${why}`);
  };
  if (!a || a.schemaVersion !== 1 || typeof a.modelVersion !== 'string' || !a.modelVersion)
    fail('schemaVersion / modelVersion');
  if (!Number.isFinite(a.intercept) || !a.scaling || !(a.scaling.pdo > 0) || !(a.scaling.baseOdds > 0))
    fail('intercept / scaling');
  if (a.bands.map((b) => b.band).join() !== RATING_BANDS.join()) fail('bands must be A..E in order');
  if (a.bands.some((b, i) => i > 0 && b.minScore >= a.bands[i - 1].minScore)) fail('band cut-offs must decrease');
  if (!Array.isArray(a.features) || a.features.length === 0) fail('no features');
  for (const f of a.features) {
    if (!TRANSFORMS[f.name]) fail(`no domain transform for feature ${f.name}`);
    if (!f.bins.length || f.bins[f.bins.length - 1].upper !== null) fail(`${f.name}: the last bin must be open-ended`);
    f.bins.forEach((b, i) => {
      if (i < f.bins.length - 1 && (b.upper === null || (i > 0 && b.upper <= (f.bins[i - 1].upper as number))))
        fail(`${f.name}: bin bounds must increase`);
      if (i > 0 && f.monotone === 'decreasing' && b.points > f.bins[i - 1].points)
        fail(`${f.name}: points must not rise with the value`);
      if (i > 0 && f.monotone === 'increasing' && b.points < f.bins[i - 1].points)
        fail(`${f.name}: points must not fall with the value`);
    });
  }
  return a;
}

const DEFAULT_ARTEFACT = validateArtefact(artefactJson);

/** Six decimals: the stored probability must be identical for identical inputs, and more digits mean nothing. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * The production rating model: a weight-of-evidence logistic scorecard loaded from a versioned artefact
 * (see docs/model-card.md). Pure and deterministic: same facts and artefact → same outcome.
 */
export class WoeLogisticScorer extends CreditScorer {
  readonly modelVersion: string;
  private readonly artefact: CreditModelArtefact;

  constructor(artefact?: CreditModelArtefact) {
    super();
    this.artefact = artefact ? validateArtefact(artefact) : DEFAULT_ARTEFACT;
    this.modelVersion = this.artefact.modelVersion;
  }

  /** The model inputs derived from the facts (NaN = unknown), for audit and explanation. */
  featureValues(facts: ScoringFacts): Record<string, number> {
    return Object.fromEntries(
      this.artefact.features.map((f) => [f.name, TRANSFORMS[f.name](facts, this.artefact.parameters)]),
    );
  }

  score(facts: ScoringFacts): ScoreOutcome {
    const card = this.artefact;
    const result = applyScorecard(card, this.featureValues(facts));
    const reasonCodes: ReasonCode[] = topReasons(result, card.features.length)
      .map((c) => ({ c, lost: Math.round(c.pointsLost) }))
      .filter(({ lost }) => lost > 0)
      .slice(0, 4)
      .map(({ c, lost }) => {
        const text = reasonText(c.feature.reasonCode, c.bin);
        return { code: c.feature.reasonCode, pointsLost: lost, textPt: text.pt, textEn: text.en };
      });
    const best = bestImprovement(card, result);
    const improvement = best
      ? (() => {
          const text = improvementText(best.feature.reasonCode, best.to, card.parameters);
          return { factor: best.feature.reasonCode, textPt: text.pt, textEn: text.en, pointsGained: best.pointsGained };
        })()
      : null;
    return {
      score: result.score,
      band: bandFor(result.score, card.bands) as RatingBand,
      probabilityOfDefault: round6(result.probabilityOfDefault),
      reasonCodes,
      improvement,
      modelVersion: card.modelVersion,
    };
  }
}
