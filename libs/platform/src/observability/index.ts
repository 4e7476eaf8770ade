export type { HistogramChild } from './bound-histogram';
export * from './metric-catalogue';
export * from './metrics';
export * from './partner-rejections';
export * from './store-metrics';
export * from './trace-context';
export * from './tracing';
export * from './tracing-shutdown';
export * from './cache-metrics';
