import { resolve } from 'node:path';
import { DATA_DIR, DATASETS, loadGerman, loadTaiwan, sha256Of } from './datasets';

describe('public credit datasets', () => {
  it('are byte-identical to the published files', () => {
    expect(sha256Of(resolve(DATA_DIR, DATASETS.taiwan.file))).toBe(
      '4edce6da569b2c30788a85fd98a9bafb1a983e8ca1a7aac875dd7ff853cbd0bb',
    );
    expect(sha256Of(resolve(DATA_DIR, DATASETS.german.file))).toBe(
      'ec12a88b9fc14d74ba646ea0410cf7ff4533bec2eb61652f8ad76796bbfec017',
    );
    expect(sha256Of(resolve(DATA_DIR, 'uci-statlog-german-credit.names'))).toBe(
      '69b92cb551111bc37098698288849c96f0fd87ce81a2e54451ff39aa1e53fe49',
    );
  });

  it('Taiwan: 30,000 clients, 6,636 defaults, every column parsed', () => {
    const ds = loadTaiwan();
    expect(ds.rowCount).toBe(30000);
    expect(ds.bad.reduce((s, b) => s + b, 0)).toBe(6636);
    for (const [name, values] of Object.entries(ds.numeric)) {
      expect({ name, allNumbers: values.every((v) => Number.isFinite(v)) }).toEqual({ name, allNumbers: true });
    }
    expect(new Set(ds.categorical.SEX)).toEqual(new Set(['1', '2']));
  });

  it('German: 1,000 applicants, 700 good and 300 bad, 20 attributes', () => {
    const ds = loadGerman();
    expect(ds.rowCount).toBe(1000);
    const bads = ds.bad.reduce((s, b) => s + b, 0);
    expect({ good: 1000 - bads, bad: bads }).toEqual({ good: 700, bad: 300 });
    expect(Object.keys(ds.numeric).length + Object.keys(ds.categorical).length).toBe(20);
    expect(ds.categorical.A1.every((v) => /^A1[1-4]$/.test(v))).toBe(true);
    expect(new Set(ds.categorical.A20)).toEqual(new Set(['A201', 'A202']));
  });
});
