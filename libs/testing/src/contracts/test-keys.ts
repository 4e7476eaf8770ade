import { randomBytes } from 'node:crypto';

/** Fresh encryption and look-up keys for one test run: what a deployment reads from its secret manager. */
export function testKeys(): { DATA_ENCRYPTION_KEYS: string; CPF_LOOKUP_KEY: string } {
  return {
    DATA_ENCRYPTION_KEYS: `t1:${randomBytes(32).toString('base64')}`,
    CPF_LOOKUP_KEY: randomBytes(32).toString('base64'),
  };
}
