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

  /** The filled buckets as [bucket, count] pairs: what crosses a thread or is kept per round, instead of 4 MB. */
  sparse(): SparseLatencies {
    const pairs: SparseLatencies = [];
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]) pairs.push([i, this.buckets[i]!]);
    return pairs;
  }

  /** One histogram of several measurements' responses, e.g. every round of a phase. */
  static merged(parts: readonly SparseLatencies[]): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const pairs of parts) {
      for (const [i, n] of pairs) {
        h.buckets[i]! += n;
        h.count += n;
        h.sum += n * i * LatencyHistogram.BUCKET_MS;
        h.max = Math.max(h.max, i * LatencyHistogram.BUCKET_MS);
      }
    }
    return h;
  }
}

/** A histogram's filled buckets, as LatencyHistogram.sparse() gives them. */
type SparseLatencies = [bucket: number, count: number][];

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
  /** Paced load only: every response's latency, to pool rounds into one histogram. */
  latencies?: SparseLatencies;
}
