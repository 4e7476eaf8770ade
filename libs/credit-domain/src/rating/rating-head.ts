import { createHash } from 'node:crypto';
import { RATING_BANDS, Rating, RatingBand } from './rating';

/** Ratings kept per CPF; the history is cut back to this each time it has grown HISTORY_SLACK past it. */
export const RATING_HISTORY_KEPT = 50;
const HISTORY_SLACK = 10;

/**
 * What the rating engine needs to know of a CPF's latest rating to decide whether a new one is news: far smaller than
 * the rating itself, so a whole partition's heads are read in one pass.
 */
export interface RatingHead {
  ratingId: string;
  cpf: string;
  score: number;
  band: RatingBand;
  modelVersion: string;
  /** The reason codes with their points; with score, band and model version, what makes two ratings the same. */
  reasons: string;
  generatedAt: Date;
  /**
   * When the features the rating was computed from were saved (null: none). Heads are ordered by it before
   * generatedAt, so a rating from newer features stays the latest however late a computation from older ones lands.
   */
  featuresAt: Date | null;
  /** Position in the CPF's chain of ratings (1 for the first): orders ratings made in the same millisecond. */
  seq: number;
  /** The score this rating replaced, announced with it (again, when a run that may have died re-announces it). */
  previousScore: number | null;
  /** Rating.validUntil: from then on the rating may not be served, and is due to be rated again. */
  validUntil: Date | null;
}

/** A rating to store: its history entry and its head, under one id derived from what it says and what it follows. */
export interface RatingWrite {
  rating: Rating;
  head: RatingHead;
  previous: RatingHead | null;
  /** Cut the CPF's history back to RATING_HISTORY_KEPT after this write. */
  pruneHistory: boolean;
}

export function reasonsKey(rating: Rating): string {
  return rating.props.reasonCodes.map((r) => `${r.code}:${r.pointsLost}`).join(',');
}

/**
 * Same score, band, model, reasons and validity: storing it again would tell nobody anything. A changed validity is
 * stored: the rating may then be served for longer (a debt paid) or less long.
 */
export function sameOutcome(head: RatingHead | null, rating: Rating): boolean {
  if (!head) return false;
  const p = rating.props;
  return (
    head.score === p.score &&
    head.band === p.band &&
    head.modelVersion === p.modelVersion &&
    head.reasons === reasonsKey(rating) &&
    time(head.validUntil) === time(p.validUntil)
  );
}

const time = (d: Date | null): number => (d ? d.getTime() : Number.NEGATIVE_INFINITY);

export interface Recency {
  featuresAt: Date | null;
  seq: number;
  generatedAt: Date;
  id: string;
}

/**
 * Orders two ratings of one CPF: positive when `a` is the newer (features first, then the chain, then time, then id).
 */
export function compareRecency(a: Recency, b: Recency): number {
  return (
    time(a.featuresAt) - time(b.featuresAt) ||
    a.seq - b.seq ||
    a.generatedAt.getTime() - b.generatedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

const recencyOf = (h: RatingHead): Recency => ({
  featuresAt: h.featuresAt,
  seq: h.seq,
  generatedAt: h.generatedAt,
  id: h.ratingId,
});

/** The latest of a CPF's heads, and the ids of the ones it supersedes. */
export function latestHead(heads: readonly RatingHead[]): { latest: RatingHead | null; superseded: string[] } {
  let latest: RatingHead | null = null;
  for (const h of heads) if (!latest || compareRecency(recencyOf(h), recencyOf(latest)) > 0) latest = h;
  return { latest, superseded: heads.filter((h) => h !== latest).map((h) => h.ratingId) };
}

/**
 * The write for a rating that follows `previous`. Its id is a digest of the CPF, the previous rating's id, the
 * features' version and the outcome, so computing the same rating again after a crash, or in a second worker,
 * yields the same id and the store keeps one copy.
 */
export function ratingWrite(rating: Rating, previous: RatingHead | null, featuresAt: Date | null): RatingWrite {
  const p = rating.props;
  const digest = createHash('sha256')
    .update(
      [
        p.cpf.value,
        previous?.ratingId ?? '-',
        featuresAt?.toISOString() ?? '-',
        p.modelVersion,
        p.score,
        p.band,
        p.probabilityOfDefault,
        reasonsKey(rating),
        p.improvement ? `${p.improvement.factor}:${p.improvement.pointsGained}` : '-',
        p.validUntil?.toISOString() ?? '-',
      ].join('\n'),
    )
    .digest('hex');
  const seq = (previous?.seq ?? 0) + 1;
  const pruneHistory = seq > RATING_HISTORY_KEPT && (seq - RATING_HISTORY_KEPT) % HISTORY_SLACK === 0;
  return {
    rating,
    previous,
    pruneHistory,
    head: {
      ratingId: digest.slice(0, 32),
      cpf: p.cpf.value,
      score: p.score,
      band: p.band,
      modelVersion: p.modelVersion,
      reasons: reasonsKey(rating),
      generatedAt: p.generatedAt,
      featuresAt,
      seq,
      previousScore: previous?.score ?? null,
      validUntil: p.validUntil,
    },
  };
}

type BandMove = 'NEW' | 'UP' | 'DOWN' | 'SAME';

/** A is the best band: moving towards it is up. */
export function bandMove(previous: RatingBand | null, next: RatingBand): BandMove {
  if (previous === null) return 'NEW';
  const delta = RATING_BANDS.indexOf(next) - RATING_BANDS.indexOf(previous);
  return delta < 0 ? 'UP' : delta > 0 ? 'DOWN' : 'SAME';
}

/** Per band a consumer was in before: how many moved to a better band, a worse one, or stayed; and first ratings. */
export interface BandMoves {
  from: Record<RatingBand, { up: number; down: number; same: number }>;
  newlyRated: number;
}

export function noBandMoves(): BandMoves {
  const from = {} as BandMoves['from'];
  for (const band of RATING_BANDS) from[band] = { up: 0, down: 0, same: 0 };
  return { from, newlyRated: 0 };
}

export function countBandMove(moves: BandMoves, previous: RatingBand | null, next: RatingBand): void {
  const move = bandMove(previous, next);
  if (move === 'NEW' || previous === null) moves.newlyRated += 1;
  else moves.from[previous][move === 'UP' ? 'up' : move === 'DOWN' ? 'down' : 'same'] += 1;
}

export function addBandMoves(into: BandMoves, other: BandMoves): BandMoves {
  into.newlyRated += other.newlyRated;
  for (const band of RATING_BANDS) {
    into.from[band].up += other.from[band].up;
    into.from[band].down += other.from[band].down;
    into.from[band].same += other.from[band].same;
  }
  return into;
}
