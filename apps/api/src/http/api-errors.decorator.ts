import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (codes such as CPF_INVALID, VALIDATION_FAILED, BATCH_INVALID); nothing was written',
  404: 'Not found (codes such as CONSUMER_NOT_FOUND, RATING_NOT_FOUND)',
  409: 'At odds with the current state of the resource (codes such as JOB_ACTIVE, JOB_COMPLETED); nothing was changed',
  413: 'Body larger than the configured limit (PAYLOAD_TOO_LARGE)',
  415: 'Body is not application/json (UNSUPPORTED_MEDIA_TYPE)',
  500: 'Unexpected failure (INTERNAL_ERROR); details are logged, never returned',
};

/** Documents the error responses of an endpoint, all in the one ErrorResponse shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...[...statuses, 500].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
}
