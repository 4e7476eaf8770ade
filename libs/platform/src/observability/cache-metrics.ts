import { analysisCacheLookups } from './metric-catalogue';
import { metricsEnabled } from './metrics';

export type CacheLookupResult = 'hit' | 'miss' | 'error';

/**
 * Counts a lookup of an assembled analysis made by the query handler (the cache adapters call it); the fast path
 * counts its own with path="fast_path". A miss the fast path handed on is not looked up again, so not counted twice.
 */
export function recordAnalysisCacheLookup(result: CacheLookupResult): void {
  if (metricsEnabled()) analysisCacheLookups.inc({ result, path: 'handler' });
}
