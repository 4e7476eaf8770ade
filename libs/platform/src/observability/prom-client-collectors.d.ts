// prom-client's default collectors, one module each; the package types only collectDefaultMetrics, which takes all.
declare module 'prom-client/lib/metrics/*' {
  import type { Registry } from 'prom-client';
  /** Registers the collector's metrics in `registry`. */
  export default function collect(registry: Registry, config: { eventLoopMonitoringPrecision?: number }): void;
}
