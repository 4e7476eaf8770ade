import {
  ANALYSIS_TTL_SECONDS,
  AnalysisReadPolicy,
  ApiKeys,
  BufferedInquiryRecorder,
  ChangeNotifier,
  CurrentRatings,
  DEMO_CONSUMER_COUNT,
  DemoDataLoader,
  EXPIRY_SWEEP_CHECK_MS,
  ExpirySweeps,
  RATING_WORKER_ID,
  RatingEngine,
  ReadinessProbes,
  defaultWorkerId,
} from '@app/credit-application';
import { CreditScorer, NoticePeriod } from '@app/credit-domain';
import { AppConfig } from '@app/platform';
import { Clock, SystemClock } from '@app/shared-kernel';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { readinessOf } from './backends/backend';
import { cacheBackend } from './backends/cache';
import { ratingsBackend } from './backends/ratings';
import { relationalBackend } from './backends/relational';
import { transactionsBackend } from './backends/transactions';
import { transportBackend } from './backends/transport';
import { COMMAND_HANDLERS, QUERY_HANDLERS, scorerFrom } from './use-cases';

export interface CreditModuleOptions {
  /** Providers that replace the configured adapters (tests). */
  overrides?: Provider[];
  /** Names this process's broker connection: api, ingestion-worker, rating-worker. */
  processName?: string;
  /** Whether this process registers the daily expiry sweep (the rating workers, and the embedded default). */
  expirySweeps?: boolean;
}

/** The application services every process shares, whatever its backends. */
const SERVICES = [RatingEngine, CurrentRatings, ApiKeys, AnalysisReadPolicy, BufferedInquiryRecorder, DemoDataLoader];

const tokenOf = (p: Provider) => (typeof p === 'function' ? p : p.provide);

/**
 * The one place where ports meet adapters, chosen by configuration: each backend (backends/) uses its real server
 * when its URL is set and the embedded adapters otherwise.
 */
@Module({})
export class CreditModule {
  static forRoot(config: AppConfig, options: CreditModuleOptions = {}): DynamicModule {
    const overrides = options.overrides ?? [];
    const backends = [
      relationalBackend(config),
      ratingsBackend(config),
      transactionsBackend(config),
      cacheBackend(config),
      transportBackend(config, options.processName ?? 'credit'),
    ];
    const settings: Provider[] = [
      { provide: Clock, useClass: SystemClock },
      { provide: NoticePeriod, useValue: new NoticePeriod(config.noticePeriodDays) },
      { provide: CreditScorer, useFactory: () => scorerFrom(config.scoringModelPath) },
      { provide: RATING_WORKER_ID, useFactory: defaultWorkerId },
      { provide: EXPIRY_SWEEP_CHECK_MS, useValue: config.expirySweepCheckMs },
      { provide: ANALYSIS_TTL_SECONDS, useValue: config.analysisTtlSeconds },
      { provide: DEMO_CONSUMER_COUNT, useValue: config.demoConsumers },
    ];
    const storeModules = backends.flatMap((b) => b.modules);
    const adapters = [...settings, ...backends.flatMap((b) => b.providers)];
    const overridden = new Set(overrides.map(tokenOf));
    const local = adapters.filter((a) => !overridden.has(tokenOf(a)));
    return {
      module: CreditModule,
      imports: [CqrsModule.forRoot(), ...storeModules],
      providers: [
        ...local,
        ...overrides,
        readinessOf(backends.flatMap((b) => b.probes)),
        ...SERVICES,
        ...COMMAND_HANDLERS,
        ...QUERY_HANDLERS,
        ChangeNotifier,
        ...backends.flatMap((b) => b.internal ?? []),
        ...(options.expirySweeps ? [ExpirySweeps] : []),
      ],
      exports: [CqrsModule, ...storeModules, ...[...local, ...overrides].map(tokenOf), ReadinessProbes, ...SERVICES],
    };
  }
}
