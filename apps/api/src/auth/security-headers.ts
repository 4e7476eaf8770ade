import { FastifyInstance } from 'fastify';

/**
 * Headers a browser or proxy must respect for an API that serves personal data: no sniffing, no framing, no referrer,
 * no caching of /v1 responses by intermediaries. Swagger UI keeps a CSP that lets its own scripts run.
 */
const EVERY_RESPONSE = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};
/** Every response outside the documentation; the cached read's fast lane writes these itself. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...EVERY_RESPONSE,
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};
const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...EVERY_RESPONSE,
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'",
};

export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    reply.headers(request.url.startsWith('/docs') ? DOCS_SECURITY_HEADERS : API_SECURITY_HEADERS);
    return payload;
  });
}
