// The platform's second entry (@app/platform/tracing): each app's first import, before @app/platform loads the
// libraries tracing patches (http, pg, ioredis, mongodb, Nest).
export * from './observability/tracing';
