import { INestMicroservice } from '@nestjs/common';
import { AppConfig, ConfigError } from './app-config';
import { RabbitMqServer } from './rabbitmq/rabbitmq.server';

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
