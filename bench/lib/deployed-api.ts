import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The Node flags the API is deployed with, as `npm run start:prod` gives them before its `-r`: the benchmarks start
 * it the same way. The image, the compose file and the local cluster say the same (deployed-api.spec.ts).
 */
export function deployedApiNodeFlags(packageJson = readFileSync(join(ROOT, 'package.json'), 'utf8')): string[] {
  const script = (JSON.parse(packageJson) as { scripts: Record<string, string> }).scripts['start:prod'] ?? '';
  const words = script.split(/\s+/);
  const node = words.indexOf('node');
  const preload = words.indexOf('-r', node);
  if (node < 0 || preload < 0) throw new Error(`start:prod does not read "node [flags] -r ...": ${script}`);
  return words.slice(node + 1, preload);
}
