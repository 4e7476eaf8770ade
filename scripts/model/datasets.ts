import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The public data sets the model is trained and benchmarked on (see data/credit-datasets/README.md). */
export const DATA_DIR = resolve(__dirname, '../../data/credit-datasets');

export const DATASETS = {
  taiwan: {
    file: 'uci-default-of-credit-card-clients.csv',
    sha256: '4edce6da569b2c30788a85fd98a9bafb1a983e8ca1a7aac875dd7ff853cbd0bb',
    title: 'UCI Default of credit card clients (Taiwan, 2005), I-Cheng Yeh, doi:10.24432/C55S3H',
  },
  german: {
    file: 'uci-statlog-german-credit.csv',
    sha256: 'ec12a88b9fc14d74ba646ea0410cf7ff4533bec2eb61652f8ad76796bbfec017',
    title: 'UCI Statlog (German Credit Data), Hans Hofmann, doi:10.24432/C5NC77',
  },
} as const;
export type DatasetName = keyof typeof DATASETS;

/** A loaded data set: columns by name, plus the bad flag (1 = default / bad credit) per row. */
export interface Dataset {
  name: DatasetName;
  sha256: string;
  rowCount: number;
  bad: Uint8Array;
  numeric: Record<string, Float64Array>;
  categorical: Record<string, string[]>;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function readVerified(name: DatasetName): { text: string; sha256: string } {
  const path = resolve(DATA_DIR, DATASETS[name].file);
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== DATASETS[name].sha256) {
    throw new Error(
      `${path}: sha256 ${sha256} differs from the published ${DATASETS[name].sha256}; refusing to train on altered data`,
    );
  }
  return { text: bytes.toString('utf8'), sha256 };
}

const lines = (text: string): string[] => text.split(/\r?\n/).filter((l) => l.trim().length > 0);

const TAIWAN_COLUMNS = [
  'LIMIT_BAL',
  'SEX',
  'EDUCATION',
  'MARRIAGE',
  'AGE',
  'PAY_0',
  'PAY_2',
  'PAY_3',
  'PAY_4',
  'PAY_5',
  'PAY_6',
  'BILL_AMT1',
  'BILL_AMT2',
  'BILL_AMT3',
  'BILL_AMT4',
  'BILL_AMT5',
  'BILL_AMT6',
  'PAY_AMT1',
  'PAY_AMT2',
  'PAY_AMT3',
  'PAY_AMT4',
  'PAY_AMT5',
  'PAY_AMT6',
] as const;

/**
 * Taiwan: every column is numeric; the label is `default payment next month`. SEX / MARRIAGE are also kept as text for
 * the audit.
 */
export function loadTaiwan(): Dataset {
  const { text, sha256 } = readVerified('taiwan');
  const [header, ...rows] = lines(text);
  const names = header.split(',');
  const labelAt = names.indexOf('default payment next month');
  if (labelAt < 0) throw new Error('Taiwan data: label column not found');
  const at = Object.fromEntries(
    TAIWAN_COLUMNS.map((c) => {
      const i = names.indexOf(c);
      if (i < 0) throw new Error(`Taiwan data: column ${c} not found`);
      return [c, i];
    }),
  ) as Record<(typeof TAIWAN_COLUMNS)[number], number>;
  const numeric: Record<string, Float64Array> = Object.fromEntries(
    TAIWAN_COLUMNS.map((c) => [c, new Float64Array(rows.length)]),
  );
  const bad = new Uint8Array(rows.length);
  rows.forEach((line, r) => {
    const cells = line.split(',');
    for (const c of TAIWAN_COLUMNS) numeric[c][r] = Number(cells[at[c]]);
    bad[r] = Number(cells[labelAt]) === 1 ? 1 : 0;
  });
  const categorical = {
    SEX: Array.from(numeric.SEX, String),
    MARRIAGE: Array.from(numeric.MARRIAGE, String),
    EDUCATION: Array.from(numeric.EDUCATION, String),
  };
  return { name: 'taiwan', sha256, rowCount: rows.length, bad, numeric, categorical };
}

/** German attribute numbers (1-based, as in the .names file) that are numerical; the rest are A-codes. */
const GERMAN_NUMERIC = new Set([2, 5, 8, 11, 13, 16, 18]);

/** German: columns named A1..A20 after the .names file; class 2 = bad. */
export function loadGerman(): Dataset {
  const { text, sha256 } = readVerified('german');
  const rows = lines(text).map((l) => l.split(','));
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, string[]> = {};
  for (let a = 1; a <= 20; a++) {
    if (GERMAN_NUMERIC.has(a)) numeric[`A${a}`] = Float64Array.from(rows, (r) => Number(r[a - 1]));
    else categorical[`A${a}`] = rows.map((r) => r[a - 1]);
  }
  const bad = Uint8Array.from(rows, (r) => (r[20] === '2' ? 1 : 0));
  return { name: 'german', sha256, rowCount: rows.length, bad, numeric, categorical };
}
