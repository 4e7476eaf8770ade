import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthenticatedClient, AuthenticatedRequest } from '../auth/access.guard';

/** The API client the AccessGuard authenticated: its name is what bureau inquiries and the audit log record. */
export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedClient => {
  const client = ctx.switchToHttp().getRequest<AuthenticatedRequest>().client;
  if (!client) throw new Error('Client() used on an endpoint without @Access');
  return client;
});
