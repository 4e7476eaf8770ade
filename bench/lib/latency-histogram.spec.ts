import { LatencyHistogram } from './latency-histogram';

const filled = (values: number[]) => {
  const h = new LatencyHistogram();
  values.forEach((v) => h.record(v));
  return h;
};

describe('LatencyHistogram', () => {
  it('pools rounds into the p99 of all their answers, not the median of their p99s', () => {
    // Three rounds of 100 answers; one round had a stall that delayed 5 of them.
    const calm = Array.from({ length: 100 }, (_, i) => 1 + i / 100);
    const stalled = [...calm.slice(0, 95), 50, 60, 70, 80, 90];
    const rounds = [filled(calm), filled(stalled), filled(calm)];
    expect(rounds[1]!.percentile(99)).toBe(80);

    const pooled = LatencyHistogram.merged(rounds.map((h) => h.sparse()));
    expect(pooled.count).toBe(300);
    // The 297th of 300 answers in order: the stall's five sit above the calm rounds' answers.
    expect(pooled.percentile(99)).toBe(60);
    expect(pooled.max).toBe(90);
    expect(pooled.percentile(50)).toBeCloseTo(1.49, 2);
  });

  it('keeps only filled buckets when sparse', () => {
    const h = filled([0.5, 0.5, 2]);
    expect(h.sparse()).toEqual([
      [50, 2],
      [200, 1],
    ]);
    expect(LatencyHistogram.merged([]).percentile(99)).toBeNaN();
  });
});
