// Run by `npm run lint` (node --test): the dead-export check reports exports no other file names, and only those.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadExports, exportedNames } from './dead-exports.mjs';

test('lists the names a file declares with export, not defaults or re-exports', () => {
  const text = [
    'export const a = 1, b = 2;',
    'export function c() {}',
    'export class D {}',
    'export interface E {}',
    'export type F = string;',
    'export default function g() {}',
    "export * from './h';",
    "export { i } from './i';",
    'const j = 3;',
  ].join('\n');
  assert.deepEqual(
    exportedNames('x.ts', text).map((n) => n.name),
    ['a', 'b', 'c', 'D', 'E', 'F'],
  );
});

test('an export another file names is live; one only its own file names is dead', () => {
  const files = new Map([
    ['/r/lib.ts', 'export const used = 1;\nexport const local = 2;\nconsole.log(local);\n'],
    ['/r/app.ts', "import { used } from './lib';\nconsole.log(used);\n"],
  ]);
  assert.deepEqual(deadExports(files), [{ file: '/r/lib.ts', line: 2, name: 'local' }]);
});
