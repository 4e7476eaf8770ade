import { CreditModule } from '@app/credit';
import { AppConfig } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { RatingController } from './rating.controller';

@Module({})
export class RatingWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RatingWorkerModule,
      imports: [
        CreditModule.forRoot({ ...config, demoConsumers: 0 }, { processName: 'rating-worker', expirySweeps: true }),
      ],
      controllers: [RatingController],
    };
  }
}
