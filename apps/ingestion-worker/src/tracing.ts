import { startTracing } from '@app/platform/tracing';

// Before anything else is required: tracing patches the libraries (http, pg, ioredis, mongodb, Nest) as they load.
startTracing('ingestion-worker');
