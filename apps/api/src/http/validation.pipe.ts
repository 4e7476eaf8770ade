import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrorDto } from './error-response.dto';

/**
 * Constraints that say what kind of value a field takes. When one fails, the field's other constraints (ranges,
 * lengths, patterns) say nothing useful about that value, so only the kind is reported.
 */
const KIND_CONSTRAINTS = [
  'isArray',
  'isObject',
  'nestedValidation',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isDateString',
  'isUuid',
];

/** What is wrong with one field, once: "is required" if missing, its kind if wrong, else each rule it breaks. */
function problemsOf(e: ValidationError, field: string): FieldErrorDto[] {
  const constraints = Object.entries(e.constraints ?? {});
  if (constraints.length === 0) return [];
  if (e.value === undefined) return [{ field, code: 'FIELD_REQUIRED', reason: 'is required' }];
  if (e.value === null) return [{ field, code: 'FIELD_REQUIRED', reason: 'must not be null' }];
  const kind = KIND_CONSTRAINTS.find((name) => e.constraints?.[name]);
  const reasons = kind ? [e.constraints![kind]] : constraints.map(([, reason]) => reason);
  return [...new Set(reasons)].map((reason) => ({ field, code: 'FIELD_INVALID', reason }));
}

function flatten(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((e) => {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    return [...problemsOf(e, field), ...flatten(e.children ?? [], field)];
  });
}

/** class-validator with unknown fields rejected, and every problem reported once in the API's error shape. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      const first = list[0];
      const message = `${list.length} problem(s) with the request`;
      const { field, reason } = first ?? {};
      return new BadRequestException({ code: 'VALIDATION_FAILED', message, field, reason, errors: list });
    },
  });
}
