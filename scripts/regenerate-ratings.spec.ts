import { progressBar } from './regenerate-ratings';

describe('the regeneration progress bar', () => {
  it('fills in proportion to the percentage and shows counts and speed', () => {
    expect(progressBar({ percent: 50, processed: 500, total: 1000, ratingsPerSecond: 812.5, failed: 0, status: 'RUNNING' }, 10)).toBe(
      '[#####.....]  50.0%  500/1000  812.5 ratings/s  0 failed  RUNNING',
    );
  });

  it('never overflows past a full bar', () => {
    expect(progressBar({ percent: 130, processed: 13, total: 10, ratingsPerSecond: 1, failed: 0, status: 'COMPLETED' }, 4)).toMatch(/^\[####\] /);
  });
});
