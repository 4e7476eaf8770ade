import { RatingBand } from '../rating/rating';
import { CreditScorer, ScoreOutcome } from './credit-scorer';
import { ScoringFacts } from './scoring-facts';

/**
 * PLACEHOLDER, not a model: a fixed hand-written rule set used only until the trained model of issue 4 is wired in.
 * Its version says so, so no rating it produced can be mistaken for a model's.
 */
export class PlaceholderScorer extends CreditScorer {
  readonly modelVersion = 'placeholder-0';

  score(f: ScoringFacts): ScoreOutcome {
    let points = 600;
    points -= Math.min(300, f.maxDaysOverdue);
    points -= 20 * Math.min(5, f.inquiriesLast6Months);
    points += f.monthlyIncomeCents > 500_000 ? 100 : 0;
    points += f.assetsValueCents > 10_000_000 ? 100 : 0;
    const score = Math.max(0, Math.min(1000, Math.round(points)));
    const band: RatingBand = score >= 800 ? 'A' : score >= 650 ? 'B' : score >= 500 ? 'C' : score >= 350 ? 'D' : 'E';
    return { score, band, probabilityOfDefault: Math.round((1 - score / 1000) * 1e4) / 1e4, reasonCodes: [], improvement: null, modelVersion: this.modelVersion };
  }
}
