import {
  EVENTS,
  MESSAGE_SCHEMAS,
  QUEUES,
  QUEUES_CONSUMED_ELSEWHERE,
  validateEventPayload,
  validatePayload,
} from '@app/contracts';
import { Cpf } from '@app/shared-kernel';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ASYNCAPI_PATH, renderAsyncApi } from '../scripts/export-asyncapi';

const ROOT = join(__dirname, '..');

interface Example {
  name: string;
  headers?: Record<string, unknown>;
  payload: unknown;
}
interface Message {
  name: string;
  payload: { $ref: string };
  headers?: { $ref: string };
  bindings?: { amqp?: { messageType?: string } };
  examples?: Example[];
}
interface Doc {
  channels: Record<string, { address: string | null }>;
  components: { schemas: Record<string, object>; messages: Record<string, Message> };
}

const text = readFileSync(ASYNCAPI_PATH, 'utf8');
const doc = load(text) as Doc;

function deref(pointer: { $ref: string }): object {
  const match = /^#\/components\/schemas\/(.+)$/.exec(pointer.$ref);
  if (!match || !doc.components.schemas[match[1]]) throw new Error(`unresolvable ${pointer.$ref}`);
  return doc.components.schemas[match[1]];
}

/** Source files of the apps, and the patterns their handlers subscribe to, resolved through libs/contracts. */
function handlerPatterns(): { file: string; expression: string; pattern: string | undefined }[] {
  const constants: Record<string, Record<string, string>> = { QUEUES, EVENTS };
  const found: { file: string; expression: string; pattern: string | undefined }[] = [];
  for (const app of readdirSync(join(ROOT, 'apps'))) {
    const src = join(ROOT, 'apps', app, 'src');
    let files: string[];
    try {
      files = readdirSync(src, { recursive: true }).map(String);
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const source = readFileSync(join(src, file), 'utf8');
      for (const m of source.matchAll(/@(?:MessagePattern|EventPattern)\(\s*([^,)]+?)\s*[,)]/g)) {
        const ref = /^(QUEUES|EVENTS)\.(\w+)$/.exec(m[1]);
        found.push({
          file: relative(ROOT, join(src, file)),
          expression: m[1],
          pattern: ref ? constants[ref[1]][ref[2]] : undefined,
        });
      }
    }
  }
  return found;
}

function cpfsIn(value: unknown, path = ''): { path: string; cpf: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => cpfsIn(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (k === 'cpf' && typeof v === 'string' && !v.includes('*')) return [{ path: `${path}.${k}`, cpf: v }];
    if (k === 'cpfs' && Array.isArray(v)) return v.map((c, i) => ({ path: `${path}.${k}[${i}]`, cpf: c }));
    return cpfsIn(v, `${path}.${k}`);
  });
}

describe('openapi/asyncapi.yaml', () => {
  it('is exactly what the code produces (run `npm run asyncapi:export` after changing libs/contracts or the topology)', async () => {
    expect(text).toBe(await renderAsyncApi());
  });

  it('is a valid AsyncAPI 3.0.0 document (no parser diagnostics of severity error)', async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    if (errors.length) {
      const listing = diagnostics
        .map((d) => `[${DiagnosticSeverity[d.severity]}] ${d.code} at ${d.path.join('.')}: ${d.message}`)
        .join('\n');
      throw new Error(`AsyncAPI parser reports ${errors.length} error(s):\n${listing}`);
    }
    expect(document?.version()).toBe('3.0.0');
  });

  it('documents as a channel every pattern a handler in apps/ subscribes to', () => {
    const handlers = handlerPatterns();
    expect(handlers.length).toBeGreaterThanOrEqual(Object.keys(QUEUES).length - QUEUES_CONSUMED_ELSEWHERE.length);
    const unresolved = handlers.filter((h) => h.pattern === undefined);
    // A literal or computed pattern would escape both MESSAGE_SCHEMAS validation and this document.
    expect(unresolved.map((h) => `${h.file}: ${h.expression}`)).toEqual([]);
    const addresses = new Set(Object.values(doc.channels).map((c) => c.address));
    expect(handlers.filter((h) => !addresses.has(h.pattern!)).map((h) => `${h.file}: ${h.pattern}`)).toEqual([]);
  });

  it('documents every key of MESSAGE_SCHEMAS with the very schema the edge validates against', () => {
    const byPattern = new Map(
      Object.values(doc.components.messages)
        .filter((m) => !m.name.endsWith('DeadLettered') && m.bindings?.amqp?.messageType)
        .map((m) => [m.bindings!.amqp!.messageType!, m]),
    );
    const addresses = new Set(Object.values(doc.channels).map((c) => c.address));
    for (const [pattern, schema] of Object.entries(MESSAGE_SCHEMAS)) {
      const message = byPattern.get(pattern);
      expect({ pattern, documented: !!message }).toEqual({ pattern, documented: true });
      expect(deref(message!.payload)).toEqual(schema);
      expect(addresses.has(pattern)).toBe(true);
    }
  });

  it('tells a partner how to get connected: identity and vhost, naming, permissions, receipts, retries', () => {
    const description = (load(text) as { info: { description: string } }).info.description;
    const section = description.slice(description.indexOf('## Getting connected'));
    expect(description).toContain('## Getting connected');
    for (const part of [
      '**Your identity.**',
      'virtual host',
      '**Naming.**',
      '**Permissions**',
      '**Receipts.**',
      '**Retries.**',
    ]) {
      expect(section).toContain(part);
    }
    expect(Object.values(doc.channels).map((c) => c.address)).toContain('partner.{partner}.receipts');
    expect(doc.components.messages.BatchReceiptV1?.examples?.length ?? 0).toBeGreaterThan(0);
  });

  describe('examples', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const messages = Object.entries(doc.components.messages);

    it.each(messages)('%s has at least one example', (_name, message) => {
      expect(message.examples?.length ?? 0).toBeGreaterThan(0);
    });

    it.each(messages)('every example of %s validates against its payload and headers schemas', (_name, message) => {
      const validatePayloadSchema = ajv.compile(deref(message.payload));
      const validateHeaders = message.headers ? ajv.compile(deref(message.headers)) : undefined;
      const pattern = message.bindings?.amqp?.messageType;
      const deadLetter = message.name.endsWith('DeadLettered');
      for (const example of message.examples ?? []) {
        const where = `${message.name} example ${example.name}`;
        expect({ where, errors: validatePayloadSchema(example.payload) ? null : validatePayloadSchema.errors }).toEqual(
          { where, errors: null },
        );
        if (pattern)
          expect({ where, problems: validatePayload(pattern, example.payload) }).toEqual({ where, problems: [] });
        if (example.headers) {
          expect(validateHeaders).toBeDefined();
          expect({ where, errors: validateHeaders!(example.headers) ? null : validateHeaders!.errors }).toEqual({
            where,
            errors: null,
          });
        }
        // An ingest dead letter is there because its event is invalid; every other example event must be storable.
        if (pattern === QUEUES.ingestTransactions && !deadLetter) {
          const events = (example.payload as { events: unknown[] }).events;
          expect({ where, problems: events.flatMap((e) => validateEventPayload(e)) }).toEqual({ where, problems: [] });
        }
        expect({ where, invalid: cpfsIn(example.payload).filter((c) => !Cpf.isValid(c.cpf)) }).toEqual({
          where,
          invalid: [],
        });
      }
    });
  });
});
