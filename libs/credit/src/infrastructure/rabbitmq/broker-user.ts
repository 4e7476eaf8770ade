/** The broker user this process connects as: the platform's own, whose messages may name a source (IngestTransactionsV1). */
export const BROKER_USER = Symbol('BROKER_USER');
