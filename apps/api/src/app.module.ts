import { CreditModule } from '@app/credit';
import { AppConfig } from '@app/platform';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ConsumersController } from './consumers/consumers.controller';
import { CreditAnalysesController } from './credit-analyses/credit-analyses.controller';
import { HealthController } from './health/health.controller';
import { AnalysisRequestsController } from './messaging/analysis-requests.controller';
import { ErrorFilter } from './http/domain-error.filter';
import { RatingsController } from './ratings/ratings.controller';
import { TransactionsController } from './transactions/transactions.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: Provider[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [CreditModule.forRoot(config, { overrides, processName: 'api' }), TerminusModule.forRoot({ logger: false })],
      controllers: [AnalysisRequestsController, CreditAnalysesController, ConsumersController, TransactionsController, RatingsController, HealthController],
      providers: [{ provide: APP_FILTER, useClass: ErrorFilter }],
    };
  }
}
