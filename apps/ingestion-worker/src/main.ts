import './tracing';
import { QUEUES, deadLetterQueue } from '@app/contracts';
import { runWorker } from '@app/platform';
import 'reflect-metadata';
import { FEED_BATCH } from './feeds.controller';
import { IngestionWorkerModule } from './ingestion-worker.module';

// Feed queues hold twice a batch, so the next one gathers while one is written.
const feedPrefetch = FEED_BATCH.maxMessages * 2;
runWorker(
  'ingestion-worker',
  32,
  (config) => IngestionWorkerModule.forRoot(config),
  `${QUEUES.ingestTransactions}, ${QUEUES.debtReports} and ${QUEUES.consumerRecords}`,
  {
    prefetchByQueue: { [QUEUES.debtReports]: feedPrefetch, [QUEUES.consumerRecords]: feedPrefetch },
    // Batches waiting in the broker, and those dead-lettered: how far ingestion lags, and what it refused.
    status: async (_app, server) => ({
      ingestion: {
        messagesQueued: await server.queued(QUEUES.ingestTransactions),
        deadLettered: await server.queued(deadLetterQueue(QUEUES.ingestTransactions)),
      },
    }),
  },
);
