import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployedApiNodeFlags } from './deployed-api';
import { ROOT } from './processes';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The flags between `node` and `-r` of every JSON-array command (Dockerfile, compose) that starts the API. */
function apiCommandFlags(text: string): string[][] {
  return [...text.matchAll(/\[\s*"node",((?:\s*"[^"]*",)*?)\s*"-r",[^\]]*"dist\/apps\/api\/src\/main\.js"\s*\]/g)].map(
    ([, flags]) => [...flags!.matchAll(/"([^"]*)"/g)].map(([, flag]) => flag!),
  );
}

describe('the API runs with the same Node flags wherever it is deployed', () => {
  const flags = deployedApiNodeFlags();

  it('start:prod gives V8 its flags before the preload', () => {
    expect(flags).toEqual(['--no-memory-reducer']);
    const script = JSON.stringify({ scripts: { 'start:prod': 'A=1 node --x --y=2 -r m main.js' } });
    expect(deployedApiNodeFlags(script)).toEqual(['--x', '--y=2']);
    expect(() => deployedApiNodeFlags(JSON.stringify({ scripts: { 'start:prod': 'nest start' } }))).toThrow(
      /start:prod/,
    );
  });

  it('the image and every API service of the compose file say the same', () => {
    expect(apiCommandFlags(read('Dockerfile'))).toEqual([flags]);
    const compose = apiCommandFlags(read('docker-compose.yml'));
    // The single-node API and the first cluster node (the others inherit its command).
    expect(compose).toEqual([flags, flags]);
  });

  it('the local cluster starts its API nodes with them', () => {
    const script = read('scripts/services/cluster.sh');
    const assigned = /node_flags=\(([^)]*)\)\n/.exec(script.slice(script.indexOf('if [[ "$kind" == api ]]')));
    expect(assigned?.[1]?.split(/\s+/)).toEqual(flags);
    expect(script).toContain('node "${node_flags[@]}" -r tsconfig-paths/register "dist/apps/$kind/src/main.js"');
  });
});
