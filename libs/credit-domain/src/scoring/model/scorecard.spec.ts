import {
  applyScorecard,
  bandFor,
  bestImprovement,
  logOddsFromScore,
  scalingConstants,
  ScorecardDefinition,
  ScorecardFeature,
  scoreFromLogOdds,
  topReasons,
} from './scorecard';

const scaling = { baseScore: 500, baseOdds: 1, pdo: 80, minScore: 0, maxScore: 1000 };

describe('score scaling', () => {
  it('puts the base score at the base odds and adds PDO points per doubling of the odds', () => {
    expect(scoreFromLogOdds(0, scaling)).toBe(500);
    expect(scoreFromLogOdds(Math.log(2), scaling)).toBe(580);
    expect(scoreFromLogOdds(Math.log(4), scaling)).toBe(660);
    expect(scoreFromLogOdds(-Math.log(2), scaling)).toBe(420);
    const { factor, offset } = scalingConstants({ ...scaling, baseScore: 600, baseOdds: 19, pdo: 40 });
    expect(factor).toBeCloseTo(40 / Math.LN2, 12);
    expect(offset).toBeCloseTo(600 - (40 / Math.LN2) * Math.log(19), 12);
  });

  it('clamps to 0..1000 and returns integers', () => {
    expect(scoreFromLogOdds(100, scaling)).toBe(1000);
    expect(scoreFromLogOdds(-100, scaling)).toBe(0);
    expect(Number.isInteger(scoreFromLogOdds(0.123, scaling))).toBe(true);
  });

  it('inverts the scaling', () => {
    expect(logOddsFromScore(580, scaling)).toBeCloseTo(Math.log(2), 12);
  });

  it('maps scores to bands by inclusive lower cut-offs', () => {
    const cutoffs = [
      { band: 'A', minScore: 800 },
      { band: 'B', minScore: 700 },
      { band: 'C', minScore: 0 },
    ];
    expect(bandFor(800, cutoffs)).toBe('A');
    expect(bandFor(799, cutoffs)).toBe('B');
    expect(bandFor(0, cutoffs)).toBe('C');
  });
});

const feature = (name: string, points: number[], actionable = true, uppers?: (number | null)[]): ScorecardFeature => ({
  name,
  reasonCode: name.toUpperCase(),
  source: 'expert-prior',
  description: name,
  domainTransform: name,
  monotone: 'decreasing',
  actionable,
  coefficient: 1,
  bins: points.map((p, i) => ({
    upper: uppers ? uppers[i] : i === points.length - 1 ? null : i,
    labelEn: `${name} ${i}`,
    labelPt: `${name} ${i}`,
    woe: p,
    points: p,
  })),
  missing: { upper: null, labelEn: 'missing', labelPt: 'ausente', woe: 0, points: 0 },
});

describe('applyScorecard', () => {
  const card: ScorecardDefinition = {
    intercept: 0,
    scaling,
    features: [
      feature('late', [20, -10, -60]),
      feature('inquiries', [5, 0, -15]),
      feature('age', [-30, 10], false),
      feature('flat', [0]),
    ],
  };

  it('adds the bin points to the base and derives the probability from the raw score', () => {
    const r = applyScorecard(card, { late: 1, inquiries: 2, age: 0, flat: 0 });
    expect(r.rawScore).toBeCloseTo(500 - 10 - 15 - 30, 12);
    expect(r.score).toBe(445);
    expect(r.probabilityOfDefault).toBeCloseTo(1 / (1 + Math.exp(logOddsFromScore(445, scaling))), 12);
    expect(r.contributions.map((c) => c.pointsLost)).toEqual([30, 20, 40, 0]);
  });

  it('uses the missing bin for NaN and insists on a value for every feature', () => {
    const r = applyScorecard(card, { late: NaN, inquiries: 0, age: 1, flat: 0 });
    expect(r.contributions[0].binIndex).toBe(-1);
    expect(r.contributions[0].points).toBe(0);
    expect(() => applyScorecard(card, { late: 0 })).toThrow(RangeError);
  });

  it('reports the largest real losses first, at most four', () => {
    const r = applyScorecard(card, { late: 2, inquiries: 2, age: 0, flat: 0 });
    expect(topReasons(r).map((c) => c.feature.name)).toEqual(['late', 'age', 'inquiries']);
    expect(topReasons(r, 1)).toHaveLength(1);
    const clean = applyScorecard(card, { late: 0, inquiries: 0, age: 1, flat: 0 });
    expect(topReasons(clean)).toEqual([]);
  });

  it('suggests the next better bin of an actionable factor, never a non-actionable or unknown one', () => {
    const r = applyScorecard(card, { late: 2, inquiries: 1, age: 0, flat: 0 });
    // late: −60 → −10 (+50, one step, not the +80 leap to the best bin); inquiries: 0 → 5 (+5); age is not actionable.
    const best = bestImprovement(card, r)!;
    expect(best.feature.name).toBe('late');
    expect(best.to.points).toBe(-10);
    expect(best.pointsGained).toBe(50);
    const onlyAge = applyScorecard(card, { late: 0, inquiries: 0, age: 0, flat: 0 });
    expect(bestImprovement(card, onlyAge)).toBeNull();
    const unknown = applyScorecard(card, { late: NaN, inquiries: 0, age: 1, flat: 0 });
    expect(bestImprovement(card, unknown)).toBeNull();
  });

  it('counts the gain on the clamped final score', () => {
    const top: ScorecardDefinition = { ...card, intercept: 10 };
    const r = applyScorecard(top, { late: 1, inquiries: 0, age: 1, flat: 0 });
    expect(r.score).toBe(1000);
    expect(bestImprovement(top, r)).toBeNull();
  });
});
