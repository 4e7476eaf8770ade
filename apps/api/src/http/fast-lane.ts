import { IncomingMessage, ServerOptions, ServerResponse, createServer } from 'node:http';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';

/** What Fastify, having filled in its defaults, gives its server (fastify/lib/server.js does the same with them). */
interface ServerOptionsOfFastify {
  http?: ServerOptions;
  keepAliveTimeout: number;
  requestTimeout: number;
  connectionTimeout: number;
  maxRequestsPerSocket: number;
}

/** Answers a request itself and returns true, or returns false, having touched nothing, to leave it to Fastify. */
export type FastLaneHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Requests the Node server answers before Fastify sees them: the cached analysis read, where building Fastify's
 * request and reply, routing and running hooks cost more than the read itself (docs/benchmarks.md). The lane's handler
 * is given once the application is built, and taken away as soon as it starts closing, so that Fastify answers 503
 * while in-flight requests drain, as for every other route.
 */
export class FastLane {
  private handler: FastLaneHandler | null = null;

  /** Fastify's server factory: the server Fastify would make (same options, same timeouts), with the lane in front. */
  readonly serverFactory: FastifyServerFactory = (fastify, fastifyOptions) => {
    const options = fastifyOptions as unknown as ServerOptionsOfFastify;
    const server = createServer(options.http ?? {}, (req, res) => {
      if (this.handler?.(req, res)) return;
      fastify(req, res);
    });
    server.keepAliveTimeout = options.keepAliveTimeout;
    server.requestTimeout = options.requestTimeout;
    server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };

  open(fastify: FastifyInstance, handler: FastLaneHandler): void {
    this.handler = handler;
    fastify.addHook('preClose', async () => {
      this.handler = null;
    });
  }
}
