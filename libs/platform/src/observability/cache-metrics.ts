import { analysisCacheLookups } from './metric-catalogue';
import { metricsEnabled } from './metrics';

type CacheLookupResult = 'hit' | 'miss' | 'error';

/**
 * Counts a lookup through the analysis cache (path="cache": the cache adapters call it when the query handler, or the
 * embedded read step, looks). A miss the Redis read step already reported hands its fill ticket on and is not looked
 * up again, so no lookup is counted twice.
 */
export function recordAnalysisCacheLookup(result: CacheLookupResult): void {
  if (metricsEnabled()) analysisCacheLookups.inc({ result, path: 'cache' });
}

/**
 * The counter of the one-step cached read in Redis (path="read_step"), by what the step found: hit, miss, or Redis
 * unavailable (counted as error). The labelled children are bound once, so a hit costs one increment.
 */
export function readStepLookupCounter(): (result: CacheLookupResult) => void {
  if (!metricsEnabled()) return () => undefined;
  const children = {
    hit: analysisCacheLookups.labels('hit', 'read_step'),
    miss: analysisCacheLookups.labels('miss', 'read_step'),
    error: analysisCacheLookups.labels('error', 'read_step'),
  };
  return (result) => children[result].inc();
}
