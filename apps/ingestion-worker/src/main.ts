import { ConfigError, RedactingLogger, RpcErrorPassthroughFilter, exitGracefully, loadConfig, logLevelsFrom, rabbitMqStrategy } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import 'reflect-metadata';
import { IngestionWorkerModule } from './ingestion-worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const strategy = rabbitMqStrategy(config, 'ingestion-worker', 32);
  const app = await NestFactory.createMicroservice(IngestionWorkerModule.forRoot(config), {
    strategy,
    logger: new RedactingLogger('ingestion-worker', { json: config.logFormat === 'json', logLevels: logLevelsFrom(config.logLevel) }),
    abortOnError: false,
  });
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  exitGracefully(app, 'ingestion-worker');
  console.log('ingestion-worker consuming credit.transactions.ingest.v1');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
