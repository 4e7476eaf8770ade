import { ConfigError, RedactingLogger, RpcErrorPassthroughFilter, exitGracefully, loadConfig, logLevelsFrom, rabbitMqStrategy } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import 'reflect-metadata';
import { RatingWorkerModule } from './rating-worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const strategy = rabbitMqStrategy(config, 'rating-worker', 4);
  const app = await NestFactory.createMicroservice(RatingWorkerModule.forRoot(config), {
    strategy,
    logger: new RedactingLogger('rating-worker', { json: config.logFormat === 'json', logLevels: logLevelsFrom(config.logLevel) }),
    abortOnError: false,
  });
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  exitGracefully(app, 'rating-worker');
  console.log('rating-worker consuming credit.ratings.regenerate.v1 and credit.ratings.rescore.v1');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
