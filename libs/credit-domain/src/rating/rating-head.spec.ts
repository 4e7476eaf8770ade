import { Cpf } from '@app/shared-kernel';
import { NOW, aRating } from '@app/testing';
import { Rating } from './rating';
import {
  RATING_HISTORY_KEPT,
  bandMove,
  compareRecency,
  countBandMove,
  latestHead,
  noBandMoves,
  ratingWrite,
  sameOutcome,
} from './rating-head';

describe('rating heads', () => {
  it('derives the same id for the same rating after the same one, and another after anything else', () => {
    const first = ratingWrite(aRating({ score: 700 }), null, null);
    expect(
      ratingWrite(aRating({ score: 700, generatedAt: new Date(NOW.getTime() + 5_000) }), null, null).head.ratingId,
    ).toBe(first.head.ratingId);
    expect(ratingWrite(aRating({ score: 701 }), null, null).head.ratingId).not.toBe(first.head.ratingId);
    // The same outcome again after a different one (A, B, A) is a new rating, not the first one stored again.
    const second = ratingWrite(aRating({ score: 650 }), first.head, null);
    const third = ratingWrite(aRating({ score: 700 }), second.head, null);
    expect(third.head.ratingId).not.toBe(first.head.ratingId);
    expect([first.head.seq, second.head.seq, third.head.seq]).toEqual([1, 2, 3]);
    expect(third.head.previousScore).toBe(650);
    expect(ratingWrite(aRating({ score: 700 }), null, NOW).head.ratingId).not.toBe(first.head.ratingId);
  });

  it('calls a rating the same only with the same score, band, model and reasons', () => {
    const head = ratingWrite(aRating({ score: 700 }), null, null).head;
    expect(sameOutcome(head, aRating({ score: 700 }))).toBe(true);
    expect(sameOutcome(null, aRating({ score: 700 }))).toBe(false);
    expect(sameOutcome(head, aRating({ score: 705 }))).toBe(false);
    expect(sameOutcome(head, Rating.create({ ...aRating({ score: 700 }).props, modelVersion: 'other' }))).toBe(false);
    expect(sameOutcome(head, Rating.create({ ...aRating({ score: 700 }).props, reasonCodes: [] }))).toBe(false);
  });

  it('prunes a history each time it has grown ten past the kept length', () => {
    let previous = null;
    const prunedAt: number[] = [];
    for (let i = 1; i <= RATING_HISTORY_KEPT + 25; i++) {
      const write = ratingWrite(aRating({ score: 300 + i }), previous, null);
      if (write.pruneHistory) prunedAt.push(i);
      previous = write.head;
    }
    expect(prunedAt).toEqual([RATING_HISTORY_KEPT + 10, RATING_HISTORY_KEPT + 20]);
  });

  it('takes as latest the rating from the newest features, then the later in the chain', () => {
    const base = { generatedAt: NOW, id: 'x' };
    expect(
      compareRecency({ ...base, featuresAt: new Date(2), seq: 1 }, { ...base, featuresAt: new Date(1), seq: 9 }),
    ).toBeGreaterThan(0);
    expect(
      compareRecency({ ...base, featuresAt: null, seq: 2 }, { ...base, featuresAt: null, seq: 1 }),
    ).toBeGreaterThan(0);
    const a = ratingWrite(aRating({ score: 600 }), null, null).head;
    const b = ratingWrite(aRating({ score: 610 }), a, null).head;
    expect(latestHead([b, a])).toEqual({ latest: b, superseded: [a.ratingId] });
    expect(latestHead([])).toEqual({ latest: null, superseded: [] });
  });

  it('counts band moves per band the consumer was in, towards A as up', () => {
    expect([bandMove(null, 'C'), bandMove('C', 'B'), bandMove('C', 'D'), bandMove('C', 'C')]).toEqual([
      'NEW',
      'UP',
      'DOWN',
      'SAME',
    ]);
    const moves = noBandMoves();
    countBandMove(moves, 'C', 'A');
    countBandMove(moves, 'C', 'E');
    countBandMove(moves, null, 'B');
    expect(moves.from.C).toEqual({ up: 1, down: 1, same: 0 });
    expect(moves.newlyRated).toBe(1);
    expect(Cpf.isValid(aRating().cpf.value)).toBe(true);
  });
});
