import {
  HistogramChild,
  METRICS_CONTENT_TYPE,
  httpRequestDuration,
  metricsEnabled,
  renderMetrics,
} from '@app/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** method → route → status → the histogram's child: label objects made once per combination, not per request. */
const timers = new Map<string, Map<string, Map<number, HistogramChild>>>();

function timerFor(method: string, route: string, status: number): HistogramChild {
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

/**
 * How the fast lane records the requests it answers (Fastify's response hooks never see them): a read served from the
 * cache (X-Cache: HIT) as cache="hit", on a child bound once, the latency the cached-read budget is about; every other
 * answer by its status. Null with metrics off, so the lane does not even read the clock.
 */
export function fastLaneRecorder(route: string): ((status: number, cacheHit: boolean, seconds: number) => void) | null {
  if (!metricsEnabled()) return null;
  const hit = httpRequestDuration.labels({ method: 'GET', route, status_code: '200', cache: 'hit' });
  return (status, cacheHit, seconds) => {
    if (status === 200 && cacheHit) hit.observe(seconds);
    else recordHttpRequest('GET', route, status, seconds);
  };
}

/**
 * GET /metrics for Prometheus, and the request histogram for every route, each with its own onResponse hook (added
 * as routes are registered). Requests that match no route are not recorded: their path would be the only name they
 * have.
 */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  if (!metricsEnabled()) return;
  const record = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? 'unmatched';
    recordHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  };
  fastify.addHook('onRoute', (route) => {
    route.onResponse = [record, ...(route.onResponse ? [route.onResponse].flat() : [])];
  });
  fastify.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', METRICS_CONTENT_TYPE);
    return renderMetrics();
  });
}
