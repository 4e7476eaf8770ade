import { release } from './global-setup';

/** Releases this run's lease on the servers; the last run out stops those that test runs started (see global-setup). */
export default async function globalTeardown(): Promise<void> {
  release();
}
