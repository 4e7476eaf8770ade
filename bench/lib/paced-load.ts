import { parentPort, workerData } from 'node:worker_threads';
import { LatencyHistogram, Measurement } from './latency-histogram';
import { RawHttpPool, prepareGet } from './raw-http';

export interface PacedTarget {
  url: string;
  paths: string[];
  headers: Record<string, string>;
}

export interface PacedOptions {
  /** One or more servers. Several take turns, a slice each, until each has had `durationSeconds` of the rate. */
  targets: PacedTarget[];
  ratePerSecond: number;
  /** Seconds of load per target. */
  durationSeconds: number;
  /** Length of one target's turn when there are several. */
  sliceSeconds: number;
  /** Upper bound on open connections per target; a pool only grows as far as concurrency needs. */
  maxSockets: number;
  /**
   * Seconds per target of the same schedule before the measured part, on the same thread and connections, answers
   * not counted: the measured part then starts with its code compiled and its connections open.
   */
  warmupSeconds?: number;
}

/** What the worker posts: that the measured part starts now, then one result per target. */
export type PacedMessage = { measuring: true } | { results: Measurement[] };

/** The worker thread's entry (load.ts starts it): runs the load given as workerData and posts one result per target. */
export function runOnWorker(): void {
  const post = (message: PacedMessage) => parentPort!.postMessage(message);
  void runPaced(workerData as PacedOptions, () => post({ measuring: true })).then((results) => post({ results }));
}

/** What is counted for one target while the load runs. */
class Tally {
  histogram = new LatencyHistogram();
  /** How late each request left against its schedule (timer ticks, event-loop stalls of this thread). */
  lag = new LatencyHistogram();
  non200 = 0;
  errors = 0;
  bytes = 0;
  started = 0;
  finished = 0;
  readonly requests: Buffer[];
  readonly pool: RawHttpPool;

  constructor(target: PacedTarget, maxSockets: number) {
    const url = new URL(target.url);
    this.requests = target.paths.map((path) => prepareGet(url.host, path, target.headers));
    this.pool = new RawHttpPool(url.hostname, Number(url.port), maxSockets, (status, ms, size) => {
      this.finished += 1;
      if (status === 0) {
        this.errors += 1;
        return;
      }
      this.histogram.record(ms);
      if (status !== 200) this.non200 += 1;
      this.bytes += size;
    });
  }

  send(scheduledAt: number): void {
    const sentAt = performance.now();
    this.lag.record(sentAt - scheduledAt);
    this.pool.send(this.requests[this.started % this.requests.length]!, sentAt);
    this.started += 1;
  }

  /** Forgets what was counted so far; the connections stay open. Only once nothing is in flight. */
  reset(): void {
    this.histogram = new LatencyHistogram();
    this.lag = new LatencyHistogram();
    this.non200 = this.errors = this.bytes = this.started = this.finished = 0;
  }

  measurement(seconds: number): Measurement {
    this.pool.close();
    return {
      reqPerSec: this.finished / seconds,
      requests: this.finished,
      p50: this.histogram.percentile(50),
      p90: this.histogram.percentile(90),
      p99: this.histogram.percentile(99),
      max: this.histogram.max,
      non200: this.non200,
      errors: this.errors + this.started - this.finished,
      bytesPerResponse: this.bytes / Math.max(1, this.finished),
      seconds,
      sendLagP99: this.lag.percentile(99),
      latencies: this.histogram.sparse(),
    };
  }
}

/**
 * Open-loop load at a fixed rate: requests start on a schedule (every timer tick, as many as are due) whatever the
 * answers do, so a slow answer never delays the next one (no coordinated omission); lateness is reported apart.
 * Not autocannon's `overallRate`: each connection spends its budget back-to-back at the start of the second, so the
 * latency measured would be that of a burst, not of a steady moderate load. With several targets the schedule is one,
 * and each slice of it goes to the next target in turn: a burst of the machine's own (a fork, a merge, a checkpoint)
 * then lands on them all alike instead of on whichever server's round it fell in.
 */
async function runPaced(o: PacedOptions, onMeasuring: () => void): Promise<Measurement[]> {
  const tallies = o.targets.map((target) => new Tally(target, o.maxSockets));
  if (o.warmupSeconds) {
    // Short turns, so that every target is warm when the measured part starts, whichever goes first.
    const slice = Math.min(o.sliceSeconds, o.warmupSeconds / (2 * tallies.length));
    await schedule(tallies, o.ratePerSecond, o.warmupSeconds, slice);
    await drained(tallies, 10_000);
    for (const tally of tallies) tally.reset();
  }
  onMeasuring();
  await schedule(tallies, o.ratePerSecond, o.durationSeconds, o.sliceSeconds);
  await drained(tallies, 10_000);
  return tallies.map((t) => t.measurement(o.durationSeconds));
}

/** Sends to the targets on one schedule, each in its turn, until each has had `seconds` of the rate. */
async function schedule(tallies: Tally[], ratePerSecond: number, seconds: number, sliceSeconds: number) {
  const t0 = performance.now();
  const end = t0 + seconds * 1000 * tallies.length;
  const interval = 1000 / ratePerSecond;
  const sliceMs = sliceSeconds * 1000;
  let started = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      for (let due = t0 + started * interval; due <= now && due < end; due = t0 + started * interval) {
        const turn = Math.floor((due - t0) / sliceMs) % tallies.length;
        tallies[turn]!.send(due);
        started += 1;
      }
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
}

/** Waits until every request sent has its answer, or the deadline passes (the rest count as errors). */
async function drained(tallies: Tally[], deadlineMs: number) {
  const deadline = performance.now() + deadlineMs;
  const unfinished = () => tallies.some((t) => t.finished < t.started);
  while (unfinished() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
