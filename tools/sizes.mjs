// Lines of non-test TypeScript per library and app, and each one's share of the product code (apps/ and libs/;
// scripts/ and bench/ are listed apart): no library may hold more than a quarter of it (docs/architecture.md).
// `npm run sizes`; exits 1 when a library is over.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LIBRARIES } from './lint/architecture.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const LIMIT = 0.25;
const isTest = (file) => /\.(spec|int-spec|e2e-spec|cluster-spec)\.ts$/.test(file) || /(^|\/)test\//.test(file);

const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !isTest(f) && !f.endsWith('.d.ts'));
const libraries = Object.keys(LIBRARIES).sort((a, b) => b.length - a.length);
const unitOf = (file) => {
  const lib = libraries.find((name) => file.startsWith(`libs/${name}/`));
  if (lib) return `libs/${lib}`;
  return file
    .split('/')
    .slice(0, file.startsWith('apps/') ? 2 : 1)
    .join('/');
};

const lines = new Map();
for (const file of files) {
  const count = readFileSync(path.join(ROOT, file), 'utf8').split('\n').length - 1;
  lines.set(unitOf(file), (lines.get(unitOf(file)) ?? 0) + count);
}
const isProduct = (name) => /^(apps|libs)\//.test(name);
const total = [...lines].filter(([name]) => isProduct(name)).reduce((a, [, n]) => a + n, 0);
const rows = [...lines].sort((a, b) => Number(isProduct(b[0])) - Number(isProduct(a[0])) || b[1] - a[1]);
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, count] of rows) {
  const share = isProduct(name) ? `${((count / total) * 100).toFixed(1).padStart(5)}%` : '  (apart)';
  const flag = name.startsWith('libs/') && count / total > LIMIT ? '  over a quarter' : '';
  console.log(`${name.padEnd(width)}  ${String(count).padStart(6)}  ${share}${flag}`);
  if (name === rows.filter(([n]) => isProduct(n)).at(-1)[0])
    console.log(`${'apps + libs'.padEnd(width)}  ${String(total).padStart(6)}`);
}
const over = rows.filter(([name, count]) => name.startsWith('libs/') && count / total > LIMIT);
if (over.length > 0) process.exitCode = 1;
