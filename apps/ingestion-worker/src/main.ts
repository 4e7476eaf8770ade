import './tracing';
import { QUEUES, deadLetterQueue } from '@app/contracts';
import { runWorker } from '@app/platform';
import 'reflect-metadata';
import { IngestionWorkerModule } from './ingestion-worker.module';

runWorker('ingestion-worker', 32, (config) => IngestionWorkerModule.forRoot(config), QUEUES.ingestTransactions, {
  // Batches waiting in the broker, and those dead-lettered: how far ingestion lags, and what it refused.
  status: async (_app, server) => ({
    ingestion: {
      messagesQueued: await server.queued(QUEUES.ingestTransactions),
      deadLettered: await server.queued(deadLetterQueue(QUEUES.ingestTransactions)),
    },
  }),
});
