// Redis: the analysis cache and its one-step cached read, the rate limit, and the journals (audit entries,
// inquiries, events) with their relays.
export * from './redis-analysis.cache';
export * from './redis-audit-journal';
export * from './redis-cache.module';
export * from './redis-cached-analysis.reads';
export * from './redis-client';
export * from './redis-event-outbox';
export * from './redis-inquiry-journal';
export * from './redis-journal-relay';
export * from './redis-journalled-audit-log';
export * from './redis-keys';
export * from './redis-rate-limiter';
