// Run by `npm run lint` (node --test): the comment audit must catch what it promises and let short whys through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_BLOCK_LINES, auditText } from './comment-audit.mjs';

const lineComments = (n) => Array.from({ length: n }, (_, i) => `// line ${i + 1} of the why`).join('\n');
const messages = (file, text) => auditText(file, text).map((f) => `${f.line}: ${f.message}`);

test('a block of line comments longer than the limit is reported once, at its first line', () => {
  const text = `const a = 1;\n${lineComments(MAX_BLOCK_LINES + 1)}\nconst b = 2;\n`;
  assert.deepEqual(messages('x.ts', text), [`2: comment block of ${MAX_BLOCK_LINES + 1} lines (at most 6)`]);
});

test('blocks at the limit, and comments separated by code, pass', () => {
  const text = `${lineComments(MAX_BLOCK_LINES)}\nconst a = 1;\n${lineComments(MAX_BLOCK_LINES)}\n`;
  assert.deepEqual(messages('x.ts', text), []);
});

test("a doc comment's opening and closing lines do not count", () => {
  const body = Array.from({ length: MAX_BLOCK_LINES }, () => ' * Why.').join('\n');
  assert.deepEqual(messages('x.ts', `/**\n${body}\n */\nexport const a = 1;\n`), []);
  assert.equal(messages('x.ts', `/**\n${body}\n * One more.\n */\nexport const a = 1;\n`).length, 1);
});

test('measurements and history in comments are reported, figures in code are not', () => {
  const text = [
    '// Took 6 ms per update.',
    'const timeoutMs = 500; // the why, no figure',
    '/* about 13,000 inserts/s and 0.45× the cost */',
    "const label = '// 12 ms is a string, not a comment';",
    'const re = /\\/\\/ 5 ms/;',
    '// This used to be a fire-and-forget publish.',
    '// It cost 20% more CPU (measured).',
  ].join('\n');
  assert.deepEqual(messages('x.ts', text), [
    '1: measurement "6 ms" in a comment',
    '3: measurement "13,000 inserts/s" in a comment',
    '6: history "used to be" in a comment',
    '7: measurement "20% more" in a comment',
  ]);
});

test('`audit-ok: <reason>` exempts its block; without a reason it does not', () => {
  assert.deepEqual(messages('x.ts', '// audit-ok: quotes the format parsed\n// e.g. "7.76 / 0.61 ms"\n'), []);
  assert.equal(messages('x.ts', '// audit-ok:\n// took 5 ms\n').length, 1);
});

test('shell comments are read outside quotes, and the shebang is not one', () => {
  const text = ['#!/usr/bin/env bash', 'echo "# 5 ms is text"', 'sleep 1 # waits 63 ms', lineComments(0)].join('\n');
  assert.deepEqual(messages('x.sh', text), ['3: measurement "63 ms" in a comment']);
  const block = Array.from({ length: MAX_BLOCK_LINES + 1 }, () => '# why').join('\n');
  assert.equal(messages('x.sh', `#!/bin/sh\n${block}\n`).length, 1);
});
