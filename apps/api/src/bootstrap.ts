import { AppConfig, RedactingLogger, StartupTimer, logLevelsFrom, setMetricsEnabled } from '@app/platform';
import { LoggerService, Provider, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { registerSecurityHeaders } from './auth/security-headers';
import { AnalysisReadPolicy, DemoDataLoader } from '@app/credit-application';
import { cachedAnalysisLane } from './credit-analyses/cached-analysis.fast-path';
import { FastLane } from './http/fast-lane';
import { registerHttpMetrics } from './http/http-metrics';
import { closeRequestSchemas } from './http/closed-request-schemas';
import { registerMethodNotAllowed } from './http/method-not-allowed';
import { QUERY_DTOS, REQUEST_BODY_DTOS } from './http/request-dtos';
import { applyValidationConstraints } from './http/validation-constraints';
import { apiValidationPipe } from './http/validation.pipe';

export interface BootstrapOptions {
  overrides?: Provider[];
  /** Quiet logs in tests (false), or a logger of the caller's; the CPF-redacting console logger otherwise. */
  logger?: false | LoggerService;
  /** Records how long each step of the start took (main prints it when the start was slow). */
  timer?: StartupTimer;
}

/** What creating the module graph waits for: the configured servers' first connections, or the embedded stores. */
function storesLabel(config: AppConfig): string {
  const servers = [
    config.databaseUrl && 'PostgreSQL',
    config.mongodbUrl && 'MongoDB',
    config.elasticsearchUrl && 'Elasticsearch',
    config.redis && (config.redis.mode === 'cluster' ? 'Redis Cluster' : 'Redis'),
    config.rabbitmqUrl && 'RabbitMQ',
  ].filter(Boolean);
  return servers.length ? `connecting to ${servers.join(', ')}` : 'starting the embedded stores';
}

/**
 * Builds the API exactly as production runs it; tests and the OpenAPI export call this too, so none drifts from the
 * real thing.
 */
export async function createApp(config: AppConfig, options: BootstrapOptions = {}): Promise<NestFastifyApplication> {
  const logger =
    options.logger ??
    new RedactingLogger('API', { json: config.logFormat === 'json', logLevels: logLevelsFrom(config.logLevel) });
  const timer = options.timer ?? new StartupTimer();
  setMetricsEnabled(config.metricsEnabled);
  const lane = new FastLane();
  const app = await timer.step(storesLabel(config), () =>
    NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, options.overrides),
      new FastifyAdapter({
        bodyLimit: config.bodyLimitBytes,
        trustProxy: false,
        routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
        // Twice Node's 16 KiB, so an overlong query value (a cursor of multi-byte characters, percent-encoded)
        // reaches validation and gets a 400 naming the field instead of a bare 431.
        http: { maxHeaderSize: 32 * 1024 },
        frameworkErrors: pathRejected,
        serverFactory: lane.serverFactory,
      }),
      { logger, bufferLogs: false, abortOnError: false },
    ),
  );
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  registerSecurityHeaders(app.getHttpAdapter().getInstance());
  registerMethodNotAllowed(app.getHttpAdapter().getInstance());
  registerHttpMetrics(app.getHttpAdapter().getInstance());
  lane.open(app.getHttpAdapter().getInstance(), cachedAnalysisLane(app.get(AnalysisReadPolicy, { strict: false })));
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    customSiteTitle: 'Credit Analysis Data API',
    swaggerOptions: { persistAuthorization: true },
  });
  await timer.step('preparing the stores (indexes, mappings, queues)', () => app.init());
  await timer.step(`loading ${config.demoConsumers} demo consumers`, () => app.get(DemoDataLoader).loadIfEmpty());
  return app;
}

/** Longer than any identifier the API takes; longer path parameters are refused before routing, in the error shape. */
const MAX_PARAM_LENGTH = 512;

/** The router's own refusals (a malformed escape, an overlong parameter), as the 400 every other bad input gets. */
function pathRejected(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const reason =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`
      : 'the path is not valid URL text';
  const body = JSON.stringify({ statusCode: 400, code: 'PATH_INVALID', message: reason, reason });
  void reply.status(400).header('content-type', 'application/json; charset=utf-8').send(body);
}

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('Credit Analysis Data API')
    .setDescription(
      'Consumer data (A), ratings from a trained model (B) and transaction trails (C) for a Brazilian CPF, with explainable credit analyses. ' +
        'Money is integer BRL cents; times are ISO-8601 UTC. Every error has the body ErrorResponse with a stable `code`.',
    )
    .setVersion('1.0.0')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description: 'A key from `npm run apikey -- create`; each endpoint names the scope it needs',
      },
      'api-key',
    )
    .addTag('credit analyses')
    .addTag('consumers')
    .addTag('transactions')
    .addTag('feeds')
    .addTag('ratings')
    .addTag('data subject rights')
    .addTag('health')
    .build();
  const contract = SwaggerModule.createDocument(app, document, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return closeRequestSchemas(applyValidationConstraints(contract, REQUEST_BODY_DTOS, QUERY_DTOS));
}
