import { AuditAction, AuditResource } from '@app/credit-application';
import { PURPOSES, Scope } from '@app/credit-domain';
import { SetMetadata, applyDecorators } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiHeader,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto';

export const ACCESS = Symbol('ACCESS');
export const PUBLIC = Symbol('PUBLIC');

export interface AccessRule {
  scope: Scope;
  /** Reads of personal data must say why (X-Purpose). */
  purpose: boolean;
  audit: { resource: AuditResource; action: AuditAction } | null;
  /**
   * The handler applies these rules itself through a use case (the analysis read): guard and interceptor stand aside.
   */
  enforcedByHandler: boolean;
}

const PURPOSE_HEADER = ApiHeader({
  name: 'X-Purpose',
  required: true,
  description: 'Why the personal data is read; kept with the audit entry. Anything else is refused (PURPOSE_INVALID).',
  schema: { type: 'string', enum: [...PURPOSES] },
});

/**
 * Who may call an endpoint, whether a purpose is required, and what the audit log records. Documents 401/403/429 too.
 */
export function Access(
  scope: Scope,
  options: { purpose?: boolean; audit?: AccessRule['audit']; enforcedByHandler?: boolean } = {},
): MethodDecorator {
  const rule: AccessRule = {
    scope,
    purpose: options.purpose ?? false,
    audit: options.audit ?? null,
    enforcedByHandler: options.enforcedByHandler ?? false,
  };
  return applyDecorators(
    SetMetadata(ACCESS, rule),
    ApiSecurity('api-key'),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No API key, or not a valid one (UNAUTHENTICATED)',
    }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: `The key lacks the scope ${scope} (SCOPE_MISSING)` }),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: 'Over the per-client rate limit (RATE_LIMITED); see Retry-After',
    }),
    ...(rule.purpose ? [PURPOSE_HEADER] : []),
  );
}

/** Health and documentation: no key needed. */
export const Public = () => SetMetadata(PUBLIC, true);
