import { METRICS_CONTENT_TYPE, httpRequestDuration, metricsEnabled, renderMetrics } from '@app/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Timer = { observe(seconds: number): void };
/** method → route → status → the histogram's child: label objects made once per combination, not per request. */
const timers = new Map<string, Map<string, Map<number, Timer>>>();

function timerFor(method: string, route: string, status: number): Timer {
  let byRoute = timers.get(method);
  if (!byRoute) timers.set(method, (byRoute = new Map()));
  let byStatus = byRoute.get(route);
  if (!byStatus) byRoute.set(route, (byStatus = new Map()));
  let timer = byStatus.get(status);
  if (!timer) {
    timer = httpRequestDuration.labels({ method, route, status_code: String(status) });
    byStatus.set(status, timer);
  }
  return timer;
}

/** Records one answered request; `route` is the template (`/v1/consumers/:cpf`), never the path with its CPF. */
function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  timerFor(method, route, status).observe(seconds);
}

/** Records the request once its response has been sent, with whatever status it got. */
function recordWhenFinished(request: FastifyRequest, reply: FastifyReply, startedAt: number): void {
  const route = request.routeOptions.url ?? 'unmatched';
  reply.raw.once('finish', () => {
    recordHttpRequest(request.method, route, reply.statusCode, (performance.now() - startedAt) / 1000);
  });
}

type OnRequestHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * The analysis-read fast path's onRequest hook, recording the requests of its route (registerHttpMetrics leaves that
 * route without a response hook). What the hook answered is recorded by its status, timed from the hook's start until
 * it sent the response; a read served from the cache (X-Cache: HIT) as cache="hit", the latency the cached-read budget
 * is about, on a child bound once. What it hands on to the Nest route is recorded once that response is sent. With
 * metrics off, the hook itself.
 */
export function meteredFastPath(route: string, hook: OnRequestHook): OnRequestHook {
  if (!metricsEnabled()) return hook;
  const hit = httpRequestDuration.labels({ method: 'GET', route, status_code: '200', cache: 'hit' });
  return async (request, reply) => {
    if (request.routeOptions.url !== route) return hook(request, reply);
    const startedAt = performance.now();
    const answered = await hook(request, reply);
    // reply.sent, not the returned value: a hook that answered returns the reply, a thenable, which awaiting turns
    // into undefined.
    if (!reply.sent) {
      recordWhenFinished(request, reply, startedAt);
      return answered;
    }
    const seconds = (performance.now() - startedAt) / 1000;
    if (reply.statusCode === 200 && reply.getHeader('x-cache') === 'HIT') hit.observe(seconds);
    else recordHttpRequest(request.method, route, reply.statusCode, seconds);
    return answered;
  };
}

/**
 * GET /metrics for Prometheus, and the request histogram for every route. Each route gets its own onResponse hook
 * (added as routes are registered) except `selfRecorded`: the cached-read fast path records its own requests,
 * because a response hook makes Fastify set up listeners on every response, a cost the fast path is measured without.
 * Requests that match no route are not recorded: their path would be the only name they have.
 */
export function registerHttpMetrics(fastify: FastifyInstance, selfRecorded?: string): void {
  if (!metricsEnabled()) return;
  const record = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? 'unmatched';
    recordHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  };
  fastify.addHook('onRoute', (route) => {
    if (route.url === selfRecorded) return;
    route.onResponse = [record, ...(route.onResponse ? [route.onResponse].flat() : [])];
  });
  fastify.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', METRICS_CONTENT_TYPE);
    return renderMetrics();
  });
}
