import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorResponseDto } from './error-response.dto';

interface KnownPath {
  matches: RegExp;
  methods: Set<string>;
}

/** `/v1/consumers/:cpf` as a pattern for concrete paths: a parameter is one segment, a wildcard the rest. */
function pathPattern(url: string): RegExp {
  const escaped = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * A method a known path does not take is answered 405 with an Allow header (RFC 9110 §15.5.6), in the API's error
 * shape, instead of the router's 404, which would say the resource does not exist. It answers before the body is read,
 * so a method with a body the path cannot take (QUERY) gets 405 too rather than a complaint about its content type.
 * Registered before the routes are, to see every one of them (HEAD routes too: Fastify adds them for GETs).
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const known = new Map<string, KnownPath>();
  fastify.addHook('onRoute', (route) => {
    const entry = known.get(route.url) ?? { matches: pathPattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
    known.set(route.url, entry);
  });
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0];
    const allowed = new Set<string>();
    for (const { matches, methods } of known.values()) if (matches.test(path)) for (const m of methods) allowed.add(m);
    if (allowed.size === 0 || allowed.has(request.method)) return;
    const allow = [...allowed].sort().join(', ');
    const body: ErrorResponseDto = {
      statusCode: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: `${request.method} is not allowed here; allowed: ${allow}`,
      reason: `allowed: ${allow}`,
    };
    return reply
      .status(405)
      .header('allow', allow)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(body));
  });
}
