import autocannon from 'autocannon';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LatencyHistogram, Measurement } from './latency-histogram';
import type { PacedMessage, PacedOptions, PacedTarget } from './paced-load';

export { LatencyHistogram, Measurement } from './latency-histogram';

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

/** Runs autocannon and calls `onResponse` with the status and exact latency (ms, fractional) of every response. */
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

/**
 * Open-loop load at a fixed rate on one or more servers taking turns (paced-load.ts), run on a worker thread: the load
 * generator's own garbage collections then pause only the thread that sends and times requests, whose heap is small,
 * not this process's, which holds the compiler, autocannon and the run's records (docs/benchmarks.md).
 */
export function pacedInTurns(o: PacedOptions, onMeasuring?: () => void): Promise<Measurement[]> {
  const entry = JSON.stringify(join(__dirname, 'paced-load.ts'));
  const boot = `require('ts-node').register({ transpileOnly: true }); require(${entry}).runOnWorker();`;
  const worker = new Worker(boot, { eval: true, workerData: o });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: PacedMessage) => ('results' in m ? resolve(m.results) : onMeasuring?.()));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the paced load's worker exited (${code}) without a result`)));
  });
}

/** Open-loop load at a fixed rate on one server. */
export async function paced(
  o: PacedTarget & { ratePerSecond: number; durationSeconds: number; maxSockets: number },
): Promise<Measurement> {
  const { url, paths, headers, ...load } = o;
  const [m] = await pacedInTurns({ targets: [{ url, paths, headers }], sliceSeconds: o.durationSeconds, ...load });
  return m!;
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
