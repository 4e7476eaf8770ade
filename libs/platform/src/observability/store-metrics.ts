import type { HistogramChild } from './bound-histogram';
import { storeCallDuration, storeCallErrors } from './metric-catalogue';
import { metricsEnabled } from './metrics';

export type StoreName = 'postgresql' | 'pglite' | 'mongodb' | 'elasticsearch' | 'redis';

const timers = new Map<string, Map<string, HistogramChild>>();

/** The histogram's child for (store, operation), made once: a hot path must not build label objects per call. */
function timerFor(store: StoreName, operation: string): HistogramChild {
  let byOperation = timers.get(store);
  if (!byOperation) timers.set(store, (byOperation = new Map()));
  let timer = byOperation.get(operation);
  if (!timer) byOperation.set(operation, (timer = storeCallDuration.labels({ store, operation })));
  return timer;
}

/** Records one call to a store: how long it took (failed calls too) and, when it failed, one error. */
export function recordStoreCall(store: StoreName, operation: string, seconds: number, failed: boolean): void {
  timerFor(store, operation).observe(seconds);
  if (failed) storeCallErrors.inc({ store, operation });
}

/** The few operations a store's calls are grouped by; anything else is "other", so the label set stays bounded. */
export function boundedOperation(known: ReadonlySet<string>, operation: string | undefined): string {
  const lower = operation?.toLowerCase() ?? 'other';
  return known.has(lower) ? lower : 'other';
}

/** What ioredis hands to sendCommand: the command's name and how its reply settles the promise its caller awaits. */
interface RedisCommandLike {
  name: string;
  resolve: (reply: unknown) => void;
  reject: (error: Error) => void;
  [TIMED]?: true;
}
interface RedisClientLike {
  sendCommand(command: RedisCommandLike, ...rest: unknown[]): unknown;
}

const instrumented = new WeakSet<object>();
/** Marks a command already timed: ioredis sends a queued command (offline, or redirected) through sendCommand again. */
const TIMED = Symbol('timed');

/**
 * Times every command an ioredis client sends, by command name (get, evalsha, xadd...: the platform's own, a fixed
 * set). ioredis emits no command events, so the client's sendCommand is wrapped, and the command's resolve and reject
 * (public on ioredis's Command) record the time as its reply settles it: no second promise per command on the cached
 * read's path. The caller still awaits the same promise. Does nothing when metrics are off or the client is already
 * instrumented.
 */
export function instrumentRedis<T extends object>(client: T): T {
  if (!metricsEnabled() || instrumented.has(client)) return client;
  instrumented.add(client);
  const redis = client as unknown as RedisClientLike;
  const send = redis.sendCommand.bind(client);
  redis.sendCommand = (command, ...rest) => {
    if (command[TIMED]) return send(command, ...rest);
    command[TIMED] = true;
    const started = performance.now();
    const { resolve, reject } = command;
    command.resolve = (reply) => {
      timerFor('redis', command.name).observe((performance.now() - started) / 1000);
      resolve(reply);
    };
    command.reject = (error) => {
      recordStoreCall('redis', command.name, (performance.now() - started) / 1000, true);
      reject(error);
    };
    return send(command, ...rest);
  };
  return client;
}

/** The MongoDB driver's command monitoring events (MongoClient with monitorCommands: true). */
interface MongoCommandEvent {
  commandName: string;
  duration: number;
}
interface MongoClientLike {
  on(event: 'commandSucceeded' | 'commandFailed', listener: (event: MongoCommandEvent) => void): unknown;
}

/** Times every command the driver sends (find, insert, aggregate...), from its own monitoring events. */
export function instrumentMongoClient(client: MongoClientLike): void {
  if (!metricsEnabled() || instrumented.has(client)) return;
  instrumented.add(client);
  client.on('commandSucceeded', (e) => recordStoreCall('mongodb', e.commandName, e.duration / 1000, false));
  client.on('commandFailed', (e) => recordStoreCall('mongodb', e.commandName, e.duration / 1000, true));
}

/** What the Elasticsearch client's diagnostic events carry, as far as timing needs it. */
interface EsMeta {
  meta?: { request?: { id?: unknown; params?: { method?: string; path?: string } } };
}
interface EsClientLike {
  diagnostic: { on(event: 'request' | 'response', listener: (err: unknown, meta: EsMeta | null) => void): unknown };
}

/**
 * `_bulk`, `_search`, `_refresh`...: the endpoint of a path, which never holds a document id or index name (those
 * are the segments before it); a path with no `_` segment is an operation on an index itself.
 */
export function elasticsearchOperation(method: string | undefined, path: string | undefined): string {
  const endpoint = path?.split('/').find((segment) => segment.startsWith('_'));
  const operation = endpoint ?? 'index';
  return `${(method ?? 'GET').toLowerCase()} ${ES_ENDPOINTS.has(operation) ? operation : 'other'}`;
}
const ES_ENDPOINTS = new Set([
  'index',
  '_bulk',
  '_search',
  '_count',
  '_refresh',
  '_doc',
  '_create',
  '_update',
  '_mapping',
  '_mget',
  '_delete_by_query',
  '_update_by_query',
  '_cluster',
  '_index_template',
  '_settings',
  '_stats',
  '_pit',
  '_msearch',
]);

/** Times every request the Elasticsearch client sends, from its diagnostic events (request, then response). */
export function instrumentElasticsearch(client: EsClientLike): void {
  if (!metricsEnabled() || instrumented.has(client)) return;
  instrumented.add(client);
  const started = new Map<unknown, number>();
  client.diagnostic.on('request', (_err, meta) => {
    const id = meta?.meta?.request?.id;
    if (id !== undefined) started.set(id, performance.now());
  });
  client.diagnostic.on('response', (err, meta) => {
    const request = (meta ?? (err as EsMeta | null))?.meta?.request;
    const at = request ? started.get(request.id) : undefined;
    if (at === undefined) return;
    started.delete(request!.id);
    const seconds = (performance.now() - at) / 1000;
    const operation = elasticsearchOperation(request!.params?.method, request!.params?.path);
    recordStoreCall('elasticsearch', operation, seconds, !!err);
  });
}
