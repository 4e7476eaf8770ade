import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrorDto } from './error-response.dto';

function flatten(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, code: 'FIELD_INVALID', reason }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** class-validator with unknown fields rejected, and every problem reported in the API's error shape. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      const first = list[0];
      return new BadRequestException({ code: 'VALIDATION_FAILED', message: `${list.length} field(s) are invalid`, field: first?.field, reason: first?.reason, errors: list });
    },
  });
}
