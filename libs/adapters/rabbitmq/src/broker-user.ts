/** The broker user this process connects as: the platform's own, whose ingest batches may name a source. */
export const BROKER_USER = Symbol('BROKER_USER');
