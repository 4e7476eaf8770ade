import autocannon from 'autocannon';
import http from 'node:http';

/**
 * Latency histogram in buckets of BUCKET_MS up to 10 s (anything slower lands in the last bucket). autocannon's own
 * histogram keeps whole milliseconds, too coarse for a p99 target of a few, so responses are recorded here as well.
 */
export class LatencyHistogram {
  private static readonly BUCKET_MS = 0.01;
  private readonly buckets = new Uint32Array(1_000_001);
  count = 0;
  private sum = 0;
  max = 0;

  record(ms: number): void {
    const i = Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms / LatencyHistogram.BUCKET_MS)));
    this.buckets[i]! += 1;
    this.count += 1;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i * LatencyHistogram.BUCKET_MS;
    }
    return this.max;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
}

export interface Measurement {
  reqPerSec: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Responses that were not 200, and connection errors/timeouts. */
  non200: number;
  errors: number;
  /** Mean bytes per response on the wire, headers included (autocannon's byte count ÷ responses). */
  bytesPerResponse: number;
  seconds: number;
  /**
   * Paced load only: p99 of how late requests left against the schedule; large values mean the client could not keep
   * the rate.
   */
  sendLagP99?: number;
}

/** Runs autocannon and calls `onResponse` with the status and exact latency (ms, fractional) of every response. */
/** One autocannon run, summarised from our own histogram and autocannon's counters. */
function measured(result: autocannon.Result, histogram: LatencyHistogram, non200: number): Measurement {
  return {
    reqPerSec: result.requests.total / result.duration,
    requests: result.requests.total,
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p99: histogram.percentile(99),
    max: histogram.max,
    non200,
    errors: result.errors + result.timeouts,
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    seconds: result.duration,
  };
}

function run(
  options: autocannon.Options,
  onResponse: (status: number, ms: number) => void,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
  });
}

interface SaturationOptions {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests if that comes before the duration (e.g. each path read once). */
  maxRequests?: number;
}

/**
 * Closed-loop load as in the reference method: `connections` keep-alive connections, no pipelining, each sends its
 * next request when the previous answer arrives. Every request takes the next path of `paths` (one shared counter,
 * so consecutive requests from all connections go round-robin over the CPFs).
 */
export function saturate(o: SaturationOptions): Promise<Measurement> {
  return autocannonRoundRobin(o, o.maxRequests ? { amount: o.maxRequests } : {});
}

/** autocannon over `o.paths` round-robin (one shared counter), every response into a LatencyHistogram. */
async function autocannonRoundRobin(o: SaturationOptions, extra: Partial<autocannon.Options>): Promise<Measurement> {
  let next = 0;
  const histogram = new LatencyHistogram();
  let non200 = 0;
  const options: autocannon.Options = {
    url: o.url,
    connections: o.connections,
    pipelining: 1,
    duration: o.durationSeconds,
    ...extra,
    headers: o.headers,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: o.paths[next++ % o.paths.length] }) }],
  };
  const result = await run(options, (status, ms) => {
    histogram.record(ms);
    if (status !== 200) non200 += 1;
  });
  return measured(result, histogram, non200);
}

interface PacedOptions {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  ratePerSecond: number;
  durationSeconds: number;
  /** Upper bound on open connections; the pool only grows as far as concurrency needs. */
  maxSockets: number;
}

/**
 * Open-loop load at a fixed rate: requests start on a schedule (every timer tick, as many as are due) whatever the
 * answers do, so a slow answer never delays the next one (no coordinated omission); lateness is reported apart.
 * Not autocannon's `overallRate`: each connection spends its budget back-to-back at the start of the second, so the
 * latency measured would be that of a burst, not of a steady moderate load.
 */
export async function paced(o: PacedOptions): Promise<Measurement> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets });
  const histogram = new LatencyHistogram();
  /** How late each request left against its schedule (timer ticks, event-loop stalls of this process). */
  const lag = new LatencyHistogram();
  let non200 = 0;
  let errors = 0;
  let bytes = 0;
  let started = 0;
  let finished = 0;
  let next = 0;
  const t0 = performance.now();
  const end = t0 + o.durationSeconds * 1000;
  const interval = 1000 / o.ratePerSecond;

  const fire = (scheduledAt: number) => {
    started += 1;
    const sentAt = performance.now();
    lag.record(sentAt - scheduledAt);
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: o.paths[next++ % o.paths.length],
        method: 'GET',
        headers: o.headers,
        agent,
      },
      (res) => {
        let size = 0;
        res.on('data', (chunk: Buffer) => (size += chunk.length));
        res.on('end', () => {
          histogram.record(performance.now() - sentAt);
          if (res.statusCode !== 200) non200 += 1;
          bytes += size;
          finished += 1;
        });
      },
    );
    req.on('error', () => {
      errors += 1;
      finished += 1;
    });
    req.end();
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const dueUntil = Math.min(now, end);
      while (t0 + started * interval <= dueUntil) fire(t0 + started * interval);
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const drainDeadline = performance.now() + 10_000;
  while (finished < started && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 5));
  agent.destroy();
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

/** autocannon with `overallRate`, kept for comparison with the paced client (`--rate-tool autocannon`). */
export function autocannonAtRate(o: SaturationOptions & { ratePerSecond: number }): Promise<Measurement> {
  return autocannonRoundRobin(o, { overallRate: o.ratePerSecond });
}

export const median = (values: number[]): number => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
};

/** A plain-text table with right-aligned numeric columns (first column left-aligned). */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
