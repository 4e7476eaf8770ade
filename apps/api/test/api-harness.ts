import { ApiKeys, SCOPES, Scope } from '@app/credit';
import { AppConfig, loadConfig } from '@app/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../src/bootstrap';

/** The real API on the embedded default with a small demo base; `env` lets a suite point it at real servers. */
export async function startApi(overrides: Partial<AppConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<NestFastifyApplication> {
  const config = { ...loadConfig(env), demoConsumers: 25, ...overrides };
  const app = await createApp(config, { logger: false });
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export async function keyFor(app: NestFastifyApplication, name: string, scopes: readonly Scope[] = SCOPES): Promise<string> {
  return (await app.get(ApiKeys).create(name, [...scopes])).plaintext;
}

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** supertest with the client's key and a purpose on every request, as a real client sends them. */
export function client(app: NestFastifyApplication, key: string, purpose = 'CREDIT_GRANTING') {
  const http = request(app.getHttpServer());
  const call = (m: Method) => (url: string) => http[m](url).set('X-Api-Key', key).set('X-Purpose', purpose);
  return { get: call('get'), put: call('put'), post: call('post'), patch: call('patch'), delete: call('delete') };
}

export const DEMO_CPF_FORMATTED = '123.456.789-09';
