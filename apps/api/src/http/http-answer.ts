import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { API_SECURITY_HEADERS } from '../auth/security-headers';

/** A response decided before it is written, so Fastify's reply and a bare Node response write the same one. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | number>;
  body: string | Buffer;
}

/** Through Fastify: its onSend hook adds the security headers, as on every other route. */
export function replyWith(reply: FastifyReply, answer: HttpAnswer): FastifyReply {
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * On the bare Node response, with what Fastify would have added: the API's security headers and the length. Node
 * writes no body for a HEAD request, as Fastify does not.
 */
export function respondWith(res: ServerResponse, answer: HttpAnswer): void {
  // Name-value pairs in one array rather than a merged object: V8 allocated the object spread in the old generation,
  // where every response's headers then waited for a major collection (docs/implementation-notes.md).
  const head: (string | number)[] = SECURITY_HEADER_PAIRS.slice();
  for (const name in answer.headers) head.push(name, answer.headers[name]!);
  head.push('content-length', typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.length);
  res.writeHead(answer.status, head);
  res.end(answer.body);
}

const SECURITY_HEADER_PAIRS: readonly string[] = Object.entries(API_SECURITY_HEADERS).flat();
