import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

/**
 * Who is calling. Until authentication lands (issue 5) the client names itself in X-Client-Id;
 * the name is recorded on every bureau inquiry so the data subject can see who looked.
 */
export const ClientId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().headers['x-client-id'];
  const value = typeof raw === 'string' ? raw.trim() : '';
  return /^[\w .:@-]{1,120}$/.test(value) ? value : 'anonymous';
});
