import { parentPort, workerData } from 'node:worker_threads';
import { LatencyHistogram, Measurement } from './latency-histogram';
import { RawHttpPool, prepareGet } from './raw-http';

export interface PacedOptions {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  ratePerSecond: number;
  durationSeconds: number;
  /** Upper bound on open connections; the pool only grows as far as concurrency needs. */
  maxSockets: number;
}

/** The worker thread's entry (load.ts starts it): runs the load given as workerData and posts its measurement. */
export function runOnWorker(): void {
  void runPaced(workerData as PacedOptions).then((m) => parentPort!.postMessage(m));
}

/**
 * Open-loop load at a fixed rate: requests start on a schedule (every timer tick, as many as are due) whatever the
 * answers do, so a slow answer never delays the next one (no coordinated omission); lateness is reported apart.
 * Not autocannon's `overallRate`: each connection spends its budget back-to-back at the start of the second, so the
 * latency measured would be that of a burst, not of a steady moderate load.
 */
async function runPaced(o: PacedOptions): Promise<Measurement> {
  const target = new URL(o.url);
  const histogram = new LatencyHistogram();
  /** How late each request left against its schedule (timer ticks, event-loop stalls of this process). */
  const lag = new LatencyHistogram();
  let non200 = 0;
  let errors = 0;
  let bytes = 0;
  let started = 0;
  let finished = 0;
  const requests = o.paths.map((path) => prepareGet(target.host, path, o.headers));
  const pool = new RawHttpPool(target.hostname, Number(target.port), o.maxSockets, (status, ms, size) => {
    finished += 1;
    if (status === 0) {
      errors += 1;
      return;
    }
    histogram.record(ms);
    if (status !== 200) non200 += 1;
    bytes += size;
  });
  const t0 = performance.now();
  const end = t0 + o.durationSeconds * 1000;
  const interval = 1000 / o.ratePerSecond;

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const dueUntil = Math.min(now, end);
      while (t0 + started * interval <= dueUntil) {
        const sentAt = performance.now();
        lag.record(sentAt - (t0 + started * interval));
        pool.send(requests[started % requests.length]!, sentAt);
        started += 1;
      }
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const drainDeadline = performance.now() + 10_000;
  while (finished < started && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 5));
  pool.close();
  errors += started - finished;
  return {
    reqPerSec: finished / o.durationSeconds,
    requests: finished,
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p99: histogram.percentile(99),
    max: histogram.max,
    non200,
    errors,
    bytesPerResponse: bytes / Math.max(1, finished),
    seconds: o.durationSeconds,
    sendLagP99: lag.percentile(99),
  };
}
