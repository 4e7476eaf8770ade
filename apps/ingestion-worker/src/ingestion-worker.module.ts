import { CreditModule } from '@app/credit';
import { AppConfig } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { FeedsController } from './feeds.controller';
import { IngestionController } from './ingestion.controller';

@Module({})
export class IngestionWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IngestionWorkerModule,
      imports: [CreditModule.forRoot({ ...config, demoConsumers: 0 }, { processName: 'ingestion-worker' })],
      controllers: [IngestionController, FeedsController],
    };
  }
}
