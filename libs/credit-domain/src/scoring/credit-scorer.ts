import { RatingBand, ReasonCode, ScoreImprovement } from '../rating/rating';
import { ScoringFacts } from './scoring-facts';

export interface ScoreOutcome {
  score: number;
  band: RatingBand;
  probabilityOfDefault: number;
  reasonCodes: ReasonCode[];
  improvement: ScoreImprovement | null;
  modelVersion: string;
}

/** A scoring model: pure, deterministic for the same facts and model version. */
export abstract class CreditScorer {
  abstract readonly modelVersion: string;
  abstract score(facts: ScoringFacts): ScoreOutcome;
}
