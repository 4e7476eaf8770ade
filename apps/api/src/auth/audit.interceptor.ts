import { AuditLog, AuditOutcome } from '@app/credit-application';
import { Cpf, DomainError, NotFoundError, ValidationError } from '@app/shared-kernel';
import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, from, lastValueFrom } from 'rxjs';
import { ACCESS, AccessRule } from './access.decorators';
import { AuthenticatedRequest } from './access.guard';

function outcomeOf(error: unknown): AuditOutcome {
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ValidationError) return 'INVALID';
  if (error instanceof DomainError) return 'INVALID';
  if (error instanceof HttpException)
    return error.getStatus() === 403 ? 'DENIED' : error.getStatus() < 500 ? 'INVALID' : 'ERROR';
  return 'ERROR';
}

/**
 * Every read and write of A and B data leaves an audit entry before the response goes out. If the entry cannot be
 * written the request fails: data that cannot be accounted for is not served.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.audit) return next.handle();
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS, context.getHandler());
    if (!rule?.audit || rule.enforcedByHandler) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const audit = this.audit;
    const record = (outcome: AuditOutcome) => {
      const raw = (request.params as Record<string, string> | undefined)?.cpf;
      return audit.record({
        clientId: request.client?.name ?? 'unknown',
        scope: rule.scope,
        purpose: request.client?.purpose ?? null,
        cpf: raw && Cpf.isValid(raw) ? Cpf.parse(raw) : null,
        action: rule.audit!.action,
        resource: rule.audit!.resource,
        outcome,
        requestId: request.client?.requestId ?? 'none',
        detail: outcome === 'SUCCESS' ? (request.auditDetail ?? null) : null,
      });
    };
    return from(
      (async () => {
        try {
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await record('SUCCESS');
          return result;
        } catch (error) {
          await record(outcomeOf(error));
          throw error;
        }
      })(),
    );
  }
}
