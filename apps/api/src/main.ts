import { ConfigError, loadConfig } from '@app/platform';
import 'reflect-metadata';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const mode = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite${config.pgliteDataDir ? ` in ${config.pgliteDataDir}` : ' (in memory)'}`;
  console.log(`Credit Analysis Data API ready in ${Date.now() - started} ms on ${mode}\n  Swagger UI: ${url}/docs\n  Try:        curl ${url}/v1/credit-analyses/123.456.789-09`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
