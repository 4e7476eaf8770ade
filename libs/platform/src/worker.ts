import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { createServer } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from './app-config';
import { RpcErrorPassthroughFilter } from './rabbitmq/rpc-error.filter';
import { RedactingLogger, logLevelsFrom } from './redacting.logger';
import { RabbitMqServer } from './rabbitmq/rabbitmq.server';
import { TopologyOptions } from './rabbitmq/rabbitmq.topology';
import { StartupTimer } from './startup-timer';
import {
  METRICS_CONTENT_TYPE,
  metricsEnabled,
  onScrape,
  renderMetrics,
  setMetricsEnabled,
} from './observability/metrics';
import { stopTracing } from './observability/tracing';

export const RETRY_DELAY_MS = 2_000;
export const MAX_ATTEMPTS = 5;

/** The queues every process declares, as the configuration says: every publisher and consumer must agree on them. */
export function topologyOptions(
  config: Pick<AppConfig, 'rabbitmqQueueType' | 'rabbitmqDeliveryLimit'>,
): TopologyOptions {
  const { rabbitmqQueueType: queueType, rabbitmqDeliveryLimit: deliveryLimit } = config;
  return { retryDelayMs: RETRY_DELAY_MS, queueType, deliveryLimit };
}

/** The RabbitMQ transport every worker (and the API's partner endpoint) listens with. */
export function rabbitMqStrategy(
  config: AppConfig,
  name: string,
  prefetch: number,
  prefetchByQueue?: Record<string, number>,
): RabbitMqServer {
  if (!config.rabbitmqUrl) {
    throw new ConfigError(
      `RABBITMQ_URL is required to run ${name} as its own process; without servers, \`npm start\` runs every app in one process`,
    );
  }
  const url = config.rabbitmqUrl;
  const maxAttempts = MAX_ATTEMPTS;
  return new RabbitMqServer({ url, name, prefetch, prefetchByQueue, maxAttempts, ...topologyOptions(config) });
}

interface WorkerOptions {
  prefetchByQueue?: Record<string, number>;
  /** What the worker's status endpoint reports besides `status` (its backlog), when STATUS_PORT is set. */
  status?: (app: INestMicroservice, server: RabbitMqServer) => Promise<Record<string, unknown>>;
  /** Sets the worker's own scrape-time gauges (its backlog) before each scrape of /metrics. */
  metrics?: (app: INestMicroservice, server: RabbitMqServer) => Promise<void>;
}

/**
 * GET /health/ready and GET /metrics on STATUS_PORT: a worker has no HTTP API, but operators and probes need to see
 * its backlog, and Prometheus scrapes it.
 */
function serveStatus(config: AppConfig, name: string, report: () => Promise<Record<string, unknown>>): void {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics' && metricsEnabled()) {
      renderMetrics().then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
      return;
    }
    if (req.method !== 'GET' || req.url !== '/health/ready') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ statusCode: 404, code: 'NOT_FOUND' }));
      return;
    }
    report().then(
      (details) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'up', worker: name, ...details })),
      (error: Error) =>
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'down', worker: name, error: error.message })),
    );
  });
  server.listen(config.statusPort!, config.host, () => {
    const base = `http://${config.host}:${config.statusPort}`;
    console.log(`${name} status on ${base}/health/ready${metricsEnabled() ? `, metrics on ${base}/metrics` : ''}`);
  });
  server.unref();
}

/** SIGTERM/SIGINT: stop taking messages, let in-flight ones finish and be acked, then exit. */
function exitGracefully(app: INestMicroservice, name: string): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${name}: ${signal} received, finishing in-flight messages`);
    app
      .close()
      .then(stopTracing)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Starts a worker process: RabbitMQ transport, CPF-redacting logger, original errors for the transport, graceful exit.
 */
export function runWorker(
  name: string,
  prefetch: number,
  module: (config: AppConfig) => DynamicModule,
  consuming: string,
  options: WorkerOptions = {},
): void {
  (async () => {
    const timer = new StartupTimer();
    const config = loadConfig();
    setMetricsEnabled(config.metricsEnabled);
    const strategy = rabbitMqStrategy(config, name, prefetch, options.prefetchByQueue);
    const app = await timer.step('connecting to the stores and RabbitMQ', () =>
      NestFactory.createMicroservice(module(config), {
        strategy,
        logger: new RedactingLogger(name, {
          json: config.logFormat === 'json',
          logLevels: logLevelsFrom(config.logLevel),
        }),
        abortOnError: false,
      }),
    );
    app.useGlobalFilters(new RpcErrorPassthroughFilter());
    await timer.step(`declaring queues and consuming ${consuming}`, () => app.listen());
    exitGracefully(app, name);
    if (config.statusPort) serveStatus(config, name, () => options.status?.(app, strategy) ?? Promise.resolve({}));
    if (options.metrics && metricsEnabled()) onScrape(() => options.metrics!(app, strategy));
    console.log(`${name} consuming ${consuming}, ${timer.summary()}`);
  })().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
