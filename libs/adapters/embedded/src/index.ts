// The in-process adapters of the embedded default (no servers): in-memory stores, cache and rate limiter, and
// commands sent in process. Use cases' unit tests run on them too.
export * from './in-memory-analysis.cache';
export * from './in-memory-rate-limiter';
export * from './in-memory-rating-features.repository';
export * from './in-memory-rating-job.repository';
export * from './in-memory-rating.repository';
export * from './in-memory-transaction.store';
export * from './in-process-command.sender';
export * from './local-cached-analysis.reads';
