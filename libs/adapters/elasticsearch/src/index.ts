// Transactions and bureau inquiries (C) on Elasticsearch.
export * from './coalesced-refresh';
export * from './elasticsearch-transaction.store';
export * from './elasticsearch-transactions.module';
export * from './transaction.elasticsearch-mapper';
