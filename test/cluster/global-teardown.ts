import { execFileSync } from 'node:child_process';
import { CLUSTER_SCRIPT, startedHere } from './global-setup';

/** Stops the cluster profile if this run started it (see global-setup). */
export default async function globalTeardown(): Promise<void> {
  if (startedHere()) execFileSync('bash', [CLUSTER_SCRIPT, 'down'], { stdio: 'inherit' });
}
