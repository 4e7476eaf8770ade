import { bandReport, progressBar } from './regenerate-ratings';

describe('the regeneration progress bar', () => {
  it('fills in proportion to the percentage and shows counts and speed', () => {
    expect(
      progressBar(
        { percent: 50, processed: 500, total: 1000, ratingsPerSecond: 812.5, failed: 0, status: 'RUNNING' },
        10,
      ),
    ).toBe('[#####.....]  50.0%  500/1000  812.5 ratings/s  0 failed  RUNNING');
  });

  it('never overflows past a full bar', () => {
    expect(
      progressBar({ percent: 130, processed: 13, total: 10, ratingsPerSecond: 1, failed: 0, status: 'COMPLETED' }, 4),
    ).toMatch(/^\[####\] /);
  });
});

describe('the report of a completed job', () => {
  it('says per band how many consumers moved up, down or stayed', () => {
    const report = bandReport({
      modelVersion: 'woe-logistic-v2',
      rated: 30,
      unchanged: 70,
      newlyRated: 2,
      bandMoves: [
        { from: 'A', up: 0, down: 5, same: 40 },
        { from: 'B', up: 7, down: 3, same: 43 },
      ],
    });
    expect(report.split('\n')).toEqual([
      'model woe-logistic-v2: 30 ratings changed, 70 unchanged, 2 rated for the first time',
      '  from   moved up  moved down  stayed',
      '  A              0         5        40',
      '  B              7         3        43',
    ]);
  });
});
