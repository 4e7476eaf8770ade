import { CreditModule } from '@app/credit';
import { AppConfig, TracingShutdown } from '@app/platform';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AccessGuard } from './auth/access.guard';
import { AuditInterceptor } from './auth/audit.interceptor';
import { SubjectsController } from './subjects/subjects.controller';
import { ConsumersController } from './consumers/consumers.controller';
import { CreditAnalysesController } from './credit-analyses/credit-analyses.controller';
import { HealthController } from './health/health.controller';
import { AnalysisRequestsController } from './messaging/analysis-requests.controller';
import { ErrorFilter } from './http/domain-error.filter';
import { FeedsController } from './feeds/feeds.controller';
import { RatingsController } from './ratings/ratings.controller';
import { TransactionsController } from './transactions/transactions.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: Provider[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CreditModule.forRoot(config, { overrides, processName: 'api', expirySweeps: !config.rabbitmqUrl }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [
        AnalysisRequestsController,
        CreditAnalysesController,
        ConsumersController,
        TransactionsController,
        FeedsController,
        RatingsController,
        SubjectsController,
        HealthController,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        TracingShutdown,
      ],
    };
  }
}
