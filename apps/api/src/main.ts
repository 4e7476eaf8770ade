import './tracing';
import { ApiKeys } from '@app/credit-application';
import { SCOPES } from '@app/credit-domain';
import { ConfigError, StartupTimer, loadConfig, rabbitMqStrategy } from '@app/platform';
import 'reflect-metadata';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const timer = new StartupTimer();
  const config = loadConfig();
  const app = await createApp(config, { timer });
  if (config.rabbitmqUrl) {
    // Partners' analysis requests arrive over RabbitMQ; the API answers them beside HTTP.
    app.connectMicroservice({ strategy: rabbitMqStrategy(config, 'api', 16) }, { inheritAppConfig: true });
    await timer.step('consuming partner requests from RabbitMQ', () => app.startAllMicroservices());
  }
  await timer.step(`listening on ${config.host}:${config.port}`, () => app.listen(config.port, config.host));
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const mode = [
    config.databaseUrl
      ? 'PostgreSQL'
      : `embedded PGlite${config.pgliteDataDir ? ` in ${config.pgliteDataDir}` : ' (in memory)'}`,
    config.mongodbUrl ? 'MongoDB' : 'in-memory ratings',
    config.elasticsearchUrl ? 'Elasticsearch' : 'in-memory transactions',
    config.redis ? `Redis ${config.redis.mode === 'cluster' ? 'Cluster ' : ''}cache` : 'in-memory cache',
    config.rabbitmqUrl ? 'RabbitMQ' : 'in-process transport',
  ].join(', ');
  console.log(`Credit Analysis Data API ${timer.summary()} on ${mode}\n  Swagger UI: ${url}/docs`);
  if (!config.databaseUrl && !config.pgliteDataDir && config.demoConsumers > 0) {
    // The embedded demo lives in memory: a key made now dies with the process, so printing it once is safe and lets a
    // newcomer try the API at once.
    const { plaintext } = await app.get(ApiKeys).create('embedded-demo', [...SCOPES]);
    console.log(`  Demo API key (all scopes, this process only): ${plaintext}`);
    console.log(
      `  Try:        curl -H 'X-Api-Key: ${plaintext}' -H 'X-Purpose: CREDIT_GRANTING' ${url}/v1/credit-analyses/123.456.789-09`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
