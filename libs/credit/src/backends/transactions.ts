import { InMemoryTransactionStore } from '@app/adapters/embedded';
import { ElasticsearchTransactionStore, ElasticsearchTransactionsModule } from '@app/adapters/elasticsearch';
import { TransactionStore } from '@app/credit-application';
import { AppConfig } from '@app/platform';
import { Backend, up } from './backend';

/** Transactions and inquiries (C): Elasticsearch when ELASTICSEARCH_URL is set, in memory otherwise. */
export function transactionsBackend(config: AppConfig): Backend {
  if (config.elasticsearchUrl) {
    const { elasticsearchIndex: index, elasticsearchReplicas: replicas, elasticsearchShards: shards } = config;
    return {
      modules: [ElasticsearchTransactionsModule.forRoot(config.elasticsearchUrl, { index, replicas, shards })],
      providers: [],
      probes: [
        {
          name: 'transactions',
          adapter: 'elasticsearch',
          inject: [ElasticsearchTransactionStore],
          check: async (s: ElasticsearchTransactionStore) => s.health(),
        },
      ],
    };
  }
  return {
    modules: [],
    providers: [{ provide: TransactionStore, useClass: InMemoryTransactionStore }],
    probes: [{ name: 'transactions', adapter: 'memory', inject: [], check: up }],
  };
}
