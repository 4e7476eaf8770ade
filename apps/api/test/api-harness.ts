import { ApiKeys } from '@app/credit-application';
import { SCOPES, Scope } from '@app/credit-domain';
import { AppConfig, loadConfig } from '@app/platform';
import { LoggerService } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { BootstrapOptions, createApp } from '../src/bootstrap';

/** The real API on the embedded default with a small demo base; `env` lets a suite point it at real servers. */
export async function startApi(
  overrides: Partial<AppConfig> = {},
  env: NodeJS.ProcessEnv = {},
  options: BootstrapOptions = { logger: false },
): Promise<NestFastifyApplication> {
  const config = { ...loadConfig(env), demoConsumers: 25, ...overrides };
  const app = await createApp(config, options);
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export async function keyFor(
  app: NestFastifyApplication,
  name: string,
  scopes: readonly Scope[] = SCOPES,
): Promise<string> {
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

/** A logger that keeps every line, to prove what a start-up did or did not log. */
export class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; stack?: string }[] = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown, stack?: string): void {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    this.lines.push({ level: 'error', message: text, stack });
  }
  fatal(message: unknown): void {
    this.lines.push({ level: 'fatal', message: String(message) });
  }
  debug(message: unknown): void {
    this.lines.push({ level: 'debug', message: String(message) });
  }
  verbose(message: unknown): void {
    this.lines.push({ level: 'verbose', message: String(message) });
  }
  problems(): string[] {
    return this.lines
      .filter((l) => ['error', 'fatal', 'warn'].includes(l.level) || /\n\s+at /.test(l.message))
      .map((l) => `${l.level}: ${l.message}`);
  }
}

/** The value of one sample of Prometheus text exposition with exactly these labels (0 when absent). */
export function sampleOf(text: string, name: string, labels: Record<string, string>): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const [, series, value] of text.matchAll(/^(\S+?\{[^}]*\}|\S+) (\S+)$/gm)) {
    const [metric, body = ''] = series!.replace(/\}$/, '').split('{');
    if (metric !== name) continue;
    const pairs = [...body.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]);
    if (JSON.stringify(pairs.sort()) === wanted) return Number(value);
  }
  return 0;
}
