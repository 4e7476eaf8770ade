import eventLoopLag from 'prom-client/lib/metrics/eventLoopLag';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal';
import processHandles from 'prom-client/lib/metrics/processHandles';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors';
import processRequests from 'prom-client/lib/metrics/processRequests';
import processResources from 'prom-client/lib/metrics/processResources';
import processStartTime from 'prom-client/lib/metrics/processStartTime';
import version from 'prom-client/lib/metrics/version';
import { metricsRegistry } from './metric-catalogue';

let enabled = true;
let processMetrics = false;

/**
 * METRICS_ENABLED=false turns recording off in this process: no /metrics, no per-request observation, no store call
 * timing, no process metrics. Read once where a hot path decides whether to record, so that off costs nothing there.
 * Each app calls it at start-up with its configuration.
 */
export function setMetricsEnabled(on: boolean): void {
  enabled = on;
  if (on) collectProcessMetrics();
}

/**
 * prom-client's default metrics (`process_*`, `nodejs_*`: CPU, memory, handles, event-loop lag), registered once. They
 * sample the event loop in the background, so only a process that serves metrics starts them. Its GC histogram is
 * left out: it observes every collection through perf_hooks, whose entries outlive young collections and were a large
 * share of what the cached read's process promoted (docs/implementation-notes.md).
 */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  const collectors = [
    processCpuTotal,
    processStartTime,
    osMemoryHeap,
    processOpenFileDescriptors,
    processMaxFileDescriptors,
    eventLoopLag,
    processResources,
    processHandles,
    processRequests,
    heapSizeAndUsed,
    heapSpacesSizeAndUsed,
    version,
  ];
  // The precision collectDefaultMetrics sets for the event-loop lag histogram.
  for (const collect of collectors) collect(metricsRegistry, { eventLoopMonitoringPrecision: 10 });
}

export function metricsEnabled(): boolean {
  return enabled;
}

/** Gauges read from a store or the broker when Prometheus scrapes, not kept up to date between scrapes. */
type ScrapeHook = () => Promise<void>;
const scrapeHooks = new Set<ScrapeHook>();
/** A scrape must answer even while a store is away: what a hook could not read in time keeps its last value. */
const SCRAPE_HOOK_TIMEOUT_MS = 2_000;

/** Runs `hook` before every scrape until the returned function is called. */
export function onScrape(hook: ScrapeHook): () => void {
  scrapeHooks.add(hook);
  return () => scrapeHooks.delete(hook);
}

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

/** The text Prometheus scrapes: the scrape-time gauges refreshed first, then every registered metric. */
export async function renderMetrics(): Promise<string> {
  await Promise.all([...scrapeHooks].map((hook) => withTimeout(hook())));
  return metricsRegistry.metrics();
}

async function withTimeout(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SCRAPE_HOOK_TIMEOUT_MS)));
  await Promise.race([work.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * A label whose values come from outside (a partner's broker user, an error code in a payload) stays bounded: the
 * first `max` distinct values are kept, later ones are reported as "other", so a misbehaving sender cannot make
 * Prometheus store a series per value it invents.
 */
export function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}
