export * from './in-memory-analysis.cache';
export * from './in-memory-rate-limiter';
export * from './in-memory-rating-features.repository';
export * from './in-memory-rating-job.repository';
export * from './in-memory-rating.repository';
export * from './in-memory-transaction.store';
export * from './in-process-command.sender';
export * from './local-cached-analysis.reads';
