import { binCategorical, binNumeric, categoricalWoe, numericBinIndex, numericWoe, weightOfEvidence } from './binning';

describe('weightOfEvidence', () => {
  // 60 goods and 60 bads over three bins: good shares 1/2, 1/3, 1/6; bad shares 1/6, 1/3, 1/2.
  const table = [
    { good: 30, bad: 10 },
    { good: 20, bad: 20 },
    { good: 10, bad: 30 },
  ];

  it('matches the hand computation without smoothing', () => {
    const { woe, iv } = weightOfEvidence(table, 0);
    expect(woe[0]).toBeCloseTo(Math.log(3), 12); // ln((1/2) / (1/6))
    expect(woe[1]).toBeCloseTo(0, 12);
    expect(woe[2]).toBeCloseTo(-Math.log(3), 12);
    // IV = (1/2 − 1/6)·ln 3 + 0 + (1/6 − 1/2)·(−ln 3) = (2/3)·ln 3
    expect(iv).toBeCloseTo((2 / 3) * Math.log(3), 12);
  });

  it('applies Laplace smoothing to every bin', () => {
    // +0.5 per bin and class: totals 61.5 each, so WoE = ln(30.5 / 10.5).
    const { woe } = weightOfEvidence(table, 0.5);
    expect(woe[0]).toBeCloseTo(Math.log(30.5 / 10.5), 12);
    expect(woe[1]).toBeCloseTo(0, 12);
    expect(woe[2]).toBeCloseTo(-Math.log(30.5 / 10.5), 12);
  });

  it('keeps WoE finite for a bin without bads', () => {
    // Goods 5 + 5, bads 0 + 10; smoothed totals 11 and 11: WoE = ln((5.5/11) / (0.5/11)) = ln 11.
    const { woe, iv } = weightOfEvidence(
      [
        { good: 5, bad: 0 },
        { good: 5, bad: 10 },
      ],
      0.5,
    );
    expect(woe[0]).toBeCloseTo(Math.log(11), 12);
    expect(Number.isFinite(iv)).toBe(true);
  });
});

describe('numericBinIndex', () => {
  it('uses inclusive upper bounds and sends NaN to the missing bin', () => {
    const bounds = [0, 30, 60];
    expect(numericBinIndex(bounds, -5)).toBe(0);
    expect(numericBinIndex(bounds, 0)).toBe(0);
    expect(numericBinIndex(bounds, 1)).toBe(1);
    expect(numericBinIndex(bounds, 30)).toBe(1);
    expect(numericBinIndex(bounds, 60)).toBe(2);
    expect(numericBinIndex(bounds, 61)).toBe(3);
    expect(numericBinIndex(bounds, Infinity)).toBe(3);
    expect(numericBinIndex(bounds, NaN)).toBe(-1);
  });
});

describe('binNumeric', () => {
  // 0..99 where the bad rate rises with the value, with one bump (values 40–49 unusually safe) that breaks
  // monotonicity.
  const values = Float64Array.from({ length: 100 }, (_, i) => i);
  const bad = Uint8Array.from(values, (v) => {
    const decile = Math.floor(v / 10);
    const badPerTen = decile === 4 ? 0 : decile;
    return v % 10 < badPerTen ? 1 : 0;
  });

  it('forces WoE to fall as the value grows when asked', () => {
    const b = binNumeric(values, bad, {
      candidateBounds: [9, 19, 29, 39, 49, 59, 69, 79, 89],
      minBinFraction: 0,
      monotone: 'decreasing',
      maxBins: 20,
    });
    for (let i = 1; i < b.woe.length; i++) expect(b.woe[i]).toBeLessThanOrEqual(b.woe[i - 1]);
    // The safe bump must have been pooled with its riskier left neighbour.
    expect(b.bounds).not.toContain(39);
    expect(b.counts.reduce((s, c) => s + c.good + c.bad, 0)).toBe(100);
    expect(b.monotone).toBe('decreasing');
  });

  it("'auto' picks the direction that keeps more information", () => {
    const b = binNumeric(values, bad, {
      candidateBounds: [9, 19, 29, 39, 49, 59, 69, 79, 89],
      minBinFraction: 0,
      monotone: 'auto',
      maxBins: 20,
    });
    expect(b.monotone).toBe('decreasing');
  });

  it('merges bins below the minimum size and caps the number of bins', () => {
    const b = binNumeric(values, bad, { minBinFraction: 0.25, monotone: 'none', maxBins: 3 });
    expect(b.woe.length).toBeLessThanOrEqual(3);
    for (const c of b.counts) expect(c.good + c.bad).toBeGreaterThanOrEqual(25);
  });

  it('keeps missing values apart, with neutral WoE when there are too few to estimate', () => {
    const withMissing = Float64Array.from([...values, NaN, NaN]);
    const badMissing = Uint8Array.from([...bad, 1, 1]);
    const b = binNumeric(withMissing, badMissing, { minBinFraction: 0.1 });
    expect(b.missingCounts).toEqual({ good: 0, bad: 2 });
    expect(b.missingWoe).toBe(0);
    expect(numericWoe(b, NaN)).toBe(0);
    expect(numericWoe(b, 5)).toBe(b.woe[0]);
  });
});

describe('binCategorical', () => {
  it('gives frequent levels their own bin, pools rare ones and scores unseen levels neutrally', () => {
    const levels = [...Array(40).fill('a'), ...Array(40).fill('b'), ...Array(5).fill('x'), ...Array(5).fill('y')];
    const bad = [
      ...Array(40)
        .fill(0)
        .map((_, i) => (i < 8 ? 1 : 0)),
      ...Array(40)
        .fill(0)
        .map((_, i) => (i < 20 ? 1 : 0)),
      ...Array(10).fill(1),
    ];
    const b = binCategorical(levels, bad, { minBinCount: 10, smoothing: 0.5 });
    expect(b.groups).toEqual([['a'], ['b'], ['x', 'y']]);
    expect(b.counts[2]).toEqual({ good: 0, bad: 10 });
    expect(categoricalWoe(b, 'a')).toBeGreaterThan(categoricalWoe(b, 'b'));
    expect(categoricalWoe(b, 'zzz')).toBe(0);
  });

  it('folds a pool that is still too small into the level with the closest bad rate', () => {
    const levels = [...Array(30).fill('a'), ...Array(30).fill('b'), 'r'];
    const bad = [...Array(30).fill(0), ...Array(30).fill(1), 1];
    const b = binCategorical(levels, bad, { minBinCount: 10 });
    expect(b.groups).toEqual([['a'], ['b', 'r']]);
  });
});
