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

/**
 * The cached-read fast path's own counter (path="fast_path"), by what its Redis step found: hit, miss, or Redis
 * unavailable (counted as error). The labelled children are bound once, so a hit costs one increment.
 */
export function fastPathLookupCounter(): (kind: 'hit' | 'miss' | 'unavailable') => void {
  if (!metricsEnabled()) return () => undefined;
  const children = {
    hit: analysisCacheLookups.labels('hit', 'fast_path'),
    miss: analysisCacheLookups.labels('miss', 'fast_path'),
    unavailable: analysisCacheLookups.labels('error', 'fast_path'),
  };
  return (kind) => children[kind].inc();
}
