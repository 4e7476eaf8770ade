// The files the lint scripts read: the workspace's own sources, never dependencies, builds or service data.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'dist', 'coverage', '.services', '.data']);

/** Paths under `dirs` (relative to the workspace) whose names match `pattern`; declaration files never. */
export function* sourceFiles(dirs, pattern) {
  for (const dir of dirs) yield* walk(path.join(ROOT, dir), pattern);
}

function* walk(dir, pattern) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full, pattern);
    else if (pattern.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}
