import { runWorker } from '@app/platform';
import 'reflect-metadata';
import { RatingWorkerModule } from './rating-worker.module';

runWorker('rating-worker', 4, (config) => RatingWorkerModule.forRoot(config), 'credit.ratings.regenerate.v1 and credit.ratings.rescore.v1');
