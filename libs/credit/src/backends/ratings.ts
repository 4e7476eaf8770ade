import {
  InMemoryRatingFeaturesRepository,
  InMemoryRatingJobRepository,
  InMemoryRatingRepository,
} from '@app/adapters/embedded';
import { MongoDemoMarks, MongoHealth, MongooseRatingModule } from '@app/adapters/mongodb';
import {
  DemoMarks,
  NoDemoMarks,
  RatingFeaturesRepository,
  RatingJobRepository,
  RatingRepository,
} from '@app/credit-application';
import { AppConfig } from '@app/platform';
import { Backend, up } from './backend';

/** Rating data (B): MongoDB (FerretDB) when MONGODB_URL is set, in memory otherwise. */
export function ratingsBackend(config: AppConfig): Backend {
  if (config.mongodbUrl) {
    return {
      modules: [MongooseRatingModule.forRoot(config.mongodbUrl)],
      providers: [{ provide: DemoMarks, useClass: MongoDemoMarks }],
      probes: [{ name: 'ratings', adapter: 'mongodb', inject: [MongoHealth], check: (h: MongoHealth) => h.check() }],
    };
  }
  return {
    modules: [],
    providers: [
      { provide: RatingFeaturesRepository, useClass: InMemoryRatingFeaturesRepository },
      { provide: RatingRepository, useClass: InMemoryRatingRepository },
      { provide: RatingJobRepository, useClass: InMemoryRatingJobRepository },
      { provide: DemoMarks, useClass: NoDemoMarks },
    ],
    probes: [{ name: 'ratings', adapter: 'memory', inject: [], check: up }],
  };
}
