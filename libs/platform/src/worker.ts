import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from './app-config';
import { RpcErrorPassthroughFilter } from './rabbitmq/rpc-error.filter';
import { RedactingLogger, logLevelsFrom } from './redacting.logger';
import { RabbitMqServer } from './rabbitmq/rabbitmq.server';
import { StartupTimer } from './startup-timer';

export const RETRY_DELAY_MS = 2_000;
export const MAX_ATTEMPTS = 5;

/** The RabbitMQ transport every worker (and the API's partner endpoint) listens with. */
export function rabbitMqStrategy(config: AppConfig, name: string, prefetch: number): RabbitMqServer {
  if (!config.rabbitmqUrl) {
    throw new ConfigError(`RABBITMQ_URL is required to run ${name} as its own process; without servers, \`npm start\` runs every app in one process`);
  }
  return new RabbitMqServer({ url: config.rabbitmqUrl, name, prefetch, maxAttempts: MAX_ATTEMPTS, retryDelayMs: RETRY_DELAY_MS });
}

/** SIGTERM/SIGINT: stop taking messages, let in-flight ones finish and be acked, then exit. */
export function exitGracefully(app: INestMicroservice, name: string): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${name}: ${signal} received, finishing in-flight messages`);
    app.close().then(
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

/** Starts a worker process: RabbitMQ transport, CPF-redacting logger, original errors for the transport, graceful exit. */
export function runWorker(name: string, prefetch: number, module: (config: AppConfig) => DynamicModule, consuming: string): void {
  (async () => {
    const timer = new StartupTimer();
    const config = loadConfig();
    const app = await timer.step('connecting to the stores and RabbitMQ', () =>
      NestFactory.createMicroservice(module(config), {
        strategy: rabbitMqStrategy(config, name, prefetch),
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
    console.log(`${name} consuming ${consuming}, ${timer.summary()}`);
  })().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
