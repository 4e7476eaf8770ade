import {
  AccessRefusal,
  ApiKeys,
  AuditDetail,
  AuditLog,
  RateLimiter,
  accessRefusals,
  checkPurpose,
} from '@app/credit-application';
import { Cpf, newId } from '@app/shared-kernel';
import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { ACCESS, AccessRule, PUBLIC } from './access.decorators';

export interface AuthenticatedClient {
  id: string;
  name: string;
  scope: string;
  purpose: string | null;
  requestId: string;
}

export type AuthenticatedRequest = FastifyRequest & {
  client?: AuthenticatedClient;
  /** What the handler changed, for the request's audit entry (a correction's reason, before and after). */
  auditDetail?: AuditDetail;
};

/** The client's X-Request-Id (bounded) when it sent one, so its logs and our audit entries join; a new id otherwise. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const header = headers['x-request-id'];
  return (typeof header === 'string' && header.slice(0, 64)) || newId();
}

/** The API key as presented: X-Api-Key, or an Authorization Bearer token; null when neither was sent. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | null {
  const header = headers['x-api-key'] ?? headers.authorization?.replace(/^Bearer\s+/i, '');
  const presented = Array.isArray(header) ? header[0] : header;
  return presented || null;
}

const problem = (status: number, code: string, message: string, field?: string) =>
  new HttpException({ code, message, field, reason: field ? message : undefined }, status);
const refused = ({ status, code, message, field }: AccessRefusal) => problem(status, code, message, field);

/**
 * Every non-public endpoint: a valid, unrevoked API key (401), holding the endpoint's scope (403), within its rate
 * limit (429), and for reads of personal data a declared purpose from the allowed list (400). Denials of personal
 * data are audited here, since they never reach the handler.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
    private readonly limiter: RateLimiter,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS, targets);
    if (!rule) throw problem(HttpStatus.FORBIDDEN, 'FORBIDDEN', 'this endpoint declares no access rule');
    if (rule.enforcedByHandler) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    const presented = presentedApiKey(request.headers);
    if (!presented) throw refused(accessRefusals.noKey());
    const key = await this.keys.authenticate(presented);
    if (!key) throw refused(accessRefusals.badKey());

    const client: AuthenticatedClient = {
      id: key.id,
      name: key.name,
      scope: rule.scope,
      purpose: null,
      requestId: requestIdOf(request.headers),
    };
    request.client = client;

    if (!key.scopes.includes(rule.scope)) {
      await this.denied(rule, client, request);
      throw refused(accessRefusals.scopeMissing(rule.scope));
    }

    const rate = await this.limiter.hit(key.id);
    void reply
      .header('x-ratelimit-limit', rate.limit)
      .header('x-ratelimit-remaining', rate.remaining)
      .header('x-ratelimit-reset', rate.resetSeconds);
    if (!rate.allowed) {
      void reply.header('retry-after', rate.resetSeconds);
      throw refused(accessRefusals.rateLimited(rate));
    }

    if (rule.purpose) {
      const raw = request.headers['x-purpose'];
      const declared = checkPurpose(typeof raw === 'string' ? raw : null);
      if ('refusal' in declared) {
        await this.denied(rule, client, request);
        throw refused(declared.refusal);
      }
      client.purpose = declared.purpose;
    }
    return true;
  }

  private async denied(rule: AccessRule, client: AuthenticatedClient, request: AuthenticatedRequest): Promise<void> {
    if (!rule.audit || !this.audit) return;
    const raw = (request.params as Record<string, string> | undefined)?.cpf;
    await this.audit.record({
      clientId: client.name,
      scope: rule.scope,
      purpose: client.purpose,
      cpf: raw && Cpf.isValid(raw) ? Cpf.parse(raw) : null,
      action: rule.audit.action,
      resource: rule.audit.resource,
      outcome: 'DENIED',
      requestId: client.requestId,
    });
  }
}
