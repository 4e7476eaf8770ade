import { BatchValidationError } from '@app/credit-domain';
import { redactCpfs } from '@app/platform';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '@app/shared-kernel';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Observable, throwError } from 'rxjs';
import { ErrorResponseDto } from './error-response.dto';
import { HttpAnswer, replyWith } from './http-answer';

/**
 * The one place where failures become HTTP: domain codes map to statuses, framework errors keep their status
 * but get the same body, and anything unexpected is a 500 with no stack or internals in the response.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Over RabbitMQ the transport decides between retry and dead-letter, so it needs the original error.
    if (host.getType() !== 'http') return throwError(() => exception);
    replyWith(host.switchToHttp().getResponse<FastifyReply>(), errorAnswer(exception, this.logger));
  }
}

/** The error-shaped response a failure gets; unexpected ones are logged (CPFs redacted), never shown. */
export function errorAnswer(exception: unknown, logger: Logger): HttpAnswer {
  const body = errorBodyOf(exception);
  if (body.statusCode >= 500) {
    logger.error(redactCpfs(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
  }
  return { status: body.statusCode, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) };
}

export const JSON_TYPE = 'application/json; charset=utf-8';

function errorBodyOf(exception: unknown): ErrorResponseDto {
  if (exception instanceof BatchValidationError) {
    return {
      statusCode: 400,
      code: exception.code,
      message: exception.message,
      field: exception.field,
      reason: exception.errors[0]?.reason,
      errors: exception.errors,
    };
  }
  if (exception instanceof DomainError) {
    const statusCode =
      exception instanceof NotFoundError
        ? 404
        : exception instanceof ValidationError
          ? 400
          : exception instanceof ConflictError
            ? 409
            : 422;
    return {
      statusCode,
      code: exception.code,
      message: exception.message,
      field: exception.field,
      reason: exception.field ? exception.message : undefined,
    };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null && 'code' in response)
      return { statusCode, ...(response as Omit<ErrorResponseDto, 'statusCode'>) };
    return { statusCode, code: codeForStatus(statusCode), message: exception.message };
  }
  const status = (exception as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own rejections (body too large, malformed JSON, wrong content type).
    return { statusCode: status, code: codeForStatus(status), message: (exception as Error).message };
  }
  return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'an unexpected error occurred; it has been logged' };
}

function codeForStatus(status: number): string {
  switch (status) {
    case HttpStatus.BAD_REQUEST:
      return 'BAD_REQUEST';
    case HttpStatus.UNAUTHORIZED:
      return 'UNAUTHENTICATED';
    case HttpStatus.FORBIDDEN:
      return 'FORBIDDEN';
    case HttpStatus.NOT_FOUND:
      return 'ROUTE_NOT_FOUND';
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return 'PAYLOAD_TOO_LARGE';
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case HttpStatus.TOO_MANY_REQUESTS:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_REJECTED';
  }
}
