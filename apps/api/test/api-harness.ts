import { AppConfig, loadConfig } from '@app/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/bootstrap';

/** The real API on the embedded default with a small demo base; `env` lets a suite point it at real servers. */
export async function startApi(overrides: Partial<AppConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<NestFastifyApplication> {
  const config = { ...loadConfig(env), demoConsumers: 25, ...overrides };
  const app = await createApp(config, { logger: false });
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export const DEMO_CPF_FORMATTED = '123.456.789-09';
