import { instrumentElasticsearch, serverUrls } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { ElasticsearchModule, ElasticsearchService } from '@nestjs/elasticsearch';
import { TransactionStore } from '@app/credit-application';
import { ElasticsearchTransactionStore } from './elasticsearch-transaction.store';

/** Versioned so a mapping change can be rolled out as a new index plus a reindex, never as an in-place break. */
const DEFAULT_TRANSACTIONS_INDEX = 'credit-transactions-v1';

interface ElasticsearchTransactionsOptions {
  index?: string;
  /** Default 'coalesced': readable when append resolves, without waiting for the periodic refresh. */
  refresh?: 'coalesced' | 'wait_for' | false;
  requestTimeoutMs?: number;
  maxRetries?: number;
  /** Replicas of each shard; null or absent: 1 on a cluster of several data nodes, 0 on one node. */
  replicas?: number | null;
  /** Primary shards of a new index. */
  shards?: number;
}

/**
 * Binds the TransactionStore port to Elasticsearch; the app starts only once the index exists with its strict mapping.
 */
@Module({})
export class ElasticsearchTransactionsModule {
  /** url: one node, or the nodes of one cluster separated by commas (the client spreads requests, skips dead nodes). */
  static forRoot(url: string, options: ElasticsearchTransactionsOptions = {}): DynamicModule {
    return {
      module: ElasticsearchTransactionsModule,
      imports: [
        // Bounded so a hung node fails a request in seconds instead of holding an HTTP request open; retries cover a
        // node restart, and on a cluster go to another node.
        ElasticsearchModule.register({
          nodes: serverUrls(url),
          requestTimeout: options.requestTimeoutMs ?? 10_000,
          maxRetries: options.maxRetries ?? 3,
        }),
      ],
      providers: [
        {
          provide: ElasticsearchTransactionStore,
          inject: [ElasticsearchService],
          useFactory: async (es: ElasticsearchService) => {
            instrumentElasticsearch(es);
            const store = new ElasticsearchTransactionStore(es, {
              index: options.index ?? DEFAULT_TRANSACTIONS_INDEX,
              refresh: options.refresh ?? 'coalesced',
              replicas: options.replicas,
              shards: options.shards,
            });
            await store.ensureIndex();
            return store;
          },
        },
        // One instance behind both tokens: the port for the application, the concrete class for health checks.
        { provide: TransactionStore, useExisting: ElasticsearchTransactionStore },
      ],
      exports: [TransactionStore, ElasticsearchTransactionStore],
    };
  }
}
