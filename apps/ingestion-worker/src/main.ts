import { runWorker } from '@app/platform';
import 'reflect-metadata';
import { IngestionWorkerModule } from './ingestion-worker.module';

runWorker('ingestion-worker', 32, (config) => IngestionWorkerModule.forRoot(config), 'credit.transactions.ingest.v1');
