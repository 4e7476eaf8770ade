// Keeps code comments to a short why (CONVENTIONS.md, rule 8): measurements, history and design essays belong in
// docs/, where they can be kept current. Run by `npm run lint`; `// audit-ok: <reason>` exempts one comment block.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT, sourceFiles } from './source-files.mjs';

/**
 * Six lines hold two sentences at 120 columns with room for a short list or a pointer to docs/; a longer block is
 * an essay that docs/architecture.md (or another page of docs/) should carry instead.
 */
export const MAX_BLOCK_LINES = 6;

/** A figure with a unit of time, rate, speed-up or share of a cost: a measurement, which goes stale in a comment. */
const FIGURE = new RegExp(
  [
    String.raw`\d[\d,.]*\s?(ms|µs|us|ns|req\/s|k\/s|[a-z]+\/s|×)(?![\p{L}\d])`,
    String.raw`\d[\d,.]*\s?x\s(faster|slower)`,
    String.raw`\d+\s?%\s(more|less|faster|slower)`,
    String.raw`\bmeasured\b[^.]*?\d`,
  ].join('|'),
  'iu',
);
/** Phrases that narrate how the code got here instead of why it is so. */
const HISTORY = /\b(used to be|before this change|previously|formerly|session \d+)\b/i;
const ESCAPE = /audit-ok:[ \t]*\S/;

const DIRS = ['apps', 'libs', 'scripts', 'bench', 'test', 'tools'];

/** Comments of a TypeScript or JavaScript file, found through the parser so that strings and regexes never count. */
function scriptComments(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Map();
  const add = (ranges) => {
    for (const r of ranges ?? []) if (!seen.has(r.pos)) seen.set(r.pos, r);
  };
  const visit = (node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return [...seen.values()]
    .sort((a, b) => a.pos - b.pos)
    .map((r) => {
      const start = source.getLineAndCharacterOfPosition(r.pos);
      const lineStart = text.lastIndexOf('\n', r.pos - 1) + 1;
      return {
        line: start.line + 1,
        endLine: source.getLineAndCharacterOfPosition(r.end).line + 1,
        text: text.slice(r.pos, r.end),
        ownLine: text.slice(lineStart, r.pos).trim() === '',
        single: r.kind === ts.SyntaxKind.SingleLineCommentTrivia,
      };
    });
}

/** Comments of a shell script: `#` to the end of a line, outside quotes (a line starting with `#!` is not one). */
function shellComments(text) {
  const comments = [];
  text.split('\n').forEach((raw, i) => {
    if (i === 0 && raw.startsWith('#!')) return;
    let quote = null;
    for (let c = 0; c < raw.length; c++) {
      const ch = raw[c];
      if (quote) {
        if (ch === quote) quote = null;
        else if (ch === '\\' && quote === '"') c++;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\') c++;
      else if (ch === '#' && (c === 0 || /[\s;]/.test(raw[c - 1]))) {
        const ownLine = raw.slice(0, c).trim() === '';
        comments.push({ line: i + 1, endLine: i + 1, text: raw.slice(c), ownLine, single: true });
        break;
      }
    }
  });
  return comments;
}

/** Own-line single-line comments on consecutive lines read as one block; so does each multi-line comment. */
function blocks(comments) {
  const out = [];
  for (const c of comments) {
    const last = out.at(-1);
    const joins = last && c.single && c.ownLine && last.single && last.ownLine && c.line === last.endLine + 1;
    if (joins) Object.assign(last, { endLine: c.endLine, text: `${last.text}\n${c.text}` });
    else out.push({ ...c });
  }
  return out;
}

/** Lines of a block that carry words: the `/**` and `*\/` lines of a doc comment do not count. */
function contentLines(block) {
  return block.text.split('\n').filter((l) => /[\p{L}\d]/u.test(l.replace(/^\s*(\/\/+|\/\*+|\*+\/?|#+)/, ''))).length;
}

/** Findings for one file's text: `{ line, message }`, empty when its comments are all short whys. */
export function auditText(file, text) {
  const comments = file.endsWith('.sh') ? shellComments(text) : scriptComments(file, text);
  const findings = [];
  for (const block of blocks(comments)) {
    if (ESCAPE.test(block.text)) continue;
    const length = contentLines(block);
    if (length > MAX_BLOCK_LINES) {
      findings.push({ line: block.line, message: `comment block of ${length} lines (at most ${MAX_BLOCK_LINES})` });
    }
    block.text.split('\n').forEach((l, i) => {
      const figure = l.match(FIGURE);
      if (figure) findings.push({ line: block.line + i, message: `measurement "${figure[0]}" in a comment` });
      const history = l.match(HISTORY);
      if (history) findings.push({ line: block.line + i, message: `history "${history[0]}" in a comment` });
    });
  }
  return findings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let count = 0;
  for (const file of sourceFiles(DIRS, /\.(ts|mts|js|mjs|cjs|sh)$/)) {
    for (const f of auditText(file, fs.readFileSync(file, 'utf8'))) {
      console.log(`${path.relative(ROOT, file)}:${f.line}: ${f.message}`);
      count++;
    }
  }
  if (count > 0) {
    console.log(`\n${count} finding(s). Move measurements, history and long explanations to docs/ and leave a short`);
    console.log('why; for a rare legitimate case, add `// audit-ok: <reason>` to the block.');
    process.exit(1);
  }
}
