import { mulberry32 } from '@app/credit-domain';
import { fitWoeModel, predictDefault } from './woe-model';

describe('fitWoeModel', () => {
  const random = mulberry32(5);
  const n = 2000;
  const risk = Float64Array.from({ length: n }, () => Math.floor(random() * 4));
  const noise = Float64Array.from({ length: n }, () => random());
  const bad = Uint8Array.from(risk, (r) => (random() < 0.1 + 0.2 * r ? 1 : 0));
  const rows = Array.from({ length: n }, (_, i) => i);

  it('keeps informative columns with positive weights, drops useless ones, and ranks risk', () => {
    const model = fitWoeModel(
      [
        { name: 'risk', kind: 'numeric', values: risk, binning: { candidateBounds: [0, 1, 2], minBinFraction: 0 } },
        { name: 'noise', kind: 'numeric', values: noise, binning: { minBinFraction: 0.1, monotone: 'auto' } },
      ],
      bad,
      rows,
    );
    expect(model.features.map((f) => f.column.name)).toEqual(['risk']);
    expect(model.features[0].coefficient).toBeGreaterThan(0);
    expect(model.dropped.map((d) => d.name)).toEqual(['noise']);
    const low = rows.find((r) => risk[r] === 0)!;
    const high = rows.find((r) => risk[r] === 3)!;
    const [pLow, pHigh] = predictDefault(model, [low, high]);
    expect(pHigh).toBeGreaterThan(pLow);
  });

  it('bins on the training rows only', () => {
    const firstHalf = rows.slice(0, n / 2);
    const a = fitWoeModel(
      [{ name: 'risk', kind: 'numeric', values: risk, binning: { candidateBounds: [0, 1, 2], minBinFraction: 0 } }],
      bad,
      firstHalf,
    );
    const counted = a.features[0].binning.counts.reduce((s, c) => s + c.good + c.bad, 0);
    expect(counted).toBe(n / 2);
  });
});
