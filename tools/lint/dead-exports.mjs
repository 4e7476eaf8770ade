// Fails on exports that no other file names (CONVENTIONS.md, rule 8: no dead code). Run by `npm run lint`.
// A name is taken as used when any other file mentions it, so the check never reports a live export; re-exports
// (`export * from`, `export { x } from`) only forward names and are not checked themselves.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT, sourceFiles } from './source-files.mjs';

const DIRS = ['apps', 'libs', 'scripts', 'bench', 'test'];
const WORD = /[A-Za-z_$][\w$]*/g;

const exported = (node) => ts.getModifiers?.(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
const isDefault = (node) => ts.getModifiers?.(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;

/** The names a file declares with `export` (not default exports, not re-exports), with their lines. */
export function exportedNames(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const names = [];
  const add = (id) => names.push({ name: id.text, line: source.getLineAndCharacterOfPosition(id.getStart()).line + 1 });
  for (const statement of source.statements) {
    if (!exported(statement) || isDefault(statement)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name);
    } else if (statement.name && ts.isIdentifier(statement.name)) {
      add(statement.name);
    }
  }
  return names;
}

/** `{ file, line, name }` for every export of `files` (a Map of path to text) that no other file mentions. */
export function deadExports(files) {
  const mentions = new Map();
  for (const [file, text] of files) {
    for (const word of new Set(text.match(WORD))) mentions.set(word, (mentions.get(word) ?? new Set()).add(file));
  }
  const dead = [];
  for (const [file, text] of files) {
    if (file.endsWith('.mjs') || file.endsWith('.js')) continue;
    for (const { name, line } of exportedNames(file, text)) {
      const users = mentions.get(name) ?? new Set();
      if (![...users].some((f) => f !== file)) dead.push({ file, line, name });
    }
  }
  return dead;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = new Map();
  for (const f of sourceFiles(DIRS, /\.(ts|mjs|js)$/)) files.set(f, fs.readFileSync(f, 'utf8'));
  const dead = deadExports(files);
  for (const d of dead)
    console.log(`${path.relative(ROOT, d.file)}:${d.line}: export ${d.name} is used by no other file`);
  if (dead.length > 0) {
    console.log(
      `\n${dead.length} dead export(s): drop the export (or the code), or wire it up where the docs promise it.`,
    );
    process.exit(1);
  }
}
