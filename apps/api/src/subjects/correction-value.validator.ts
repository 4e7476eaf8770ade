import { plainToInstance } from 'class-transformer';
import { ValidateBy, ValidationArguments, ValidationError, ValidationOptions, validateSync } from 'class-validator';
import { AddressDto } from '../consumers/consumer.dto';
import { DebtCorrectionDto } from './debt-correction.dto';

function flatten(errors: ValidationError[], parent = 'value'): string[] {
  return errors.flatMap((e) => {
    const path = `${parent}.${e.property}`;
    return [...Object.values(e.constraints ?? {}).map((c) => `${path}: ${c}`), ...flatten(e.children ?? [], path)];
  });
}

const fieldOf = (args?: ValidationArguments): unknown => (args?.object as { field?: unknown } | undefined)?.field;

/** Why `value` does not fit the `field` it corrects, or null when it does. */
function correctionValueProblem(field: unknown, value: unknown): string | null {
  const nested = (cls: new () => object) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be an object'];
    return flatten(validateSync(plainToInstance(cls, value), { whitelist: true, forbidNonWhitelisted: true }));
  };
  switch (field) {
    case 'name':
      if (typeof value === 'string' && value.trim().length >= 2 && value.length <= 160) return null;
      return 'must be a name of 2 to 160 characters when field is name';
    case 'address': {
      const problems = nested(AddressDto);
      return problems.length ? `must be a whole address when field is address (${problems.join('; ')})` : null;
    }
    case 'debt': {
      if (value === null) return null;
      const problems = nested(DebtCorrectionDto);
      if (!problems.length && Object.keys(value as object).length === 0)
        problems.push('must correct at least one field');
      if (!problems.length) return null;
      return `must be the debt fields to correct, or null to cancel it, when field is debt (${problems.join('; ')})`;
    }
    default:
      return null;
  }
}

/**
 * One rule for `value` per kind of correction, checked against `field`. Two @ValidateIf on one property switch each
 * other off (class-validator skips every rule of a property when any of its conditions is false), which let any value,
 * 12345 included, through; this validator is the only rule on `value`.
 */
export function IsCorrectionValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCorrectionValue',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => correctionValueProblem(fieldOf(args), value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `value ${correctionValueProblem(fieldOf(args), args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** `debtId` names the debt a debt correction is about, and is refused on any other correction. */
export function IsDebtIdOfCorrection(options?: ValidationOptions): PropertyDecorator {
  const problem = (args?: ValidationArguments): string | null => {
    const debt = fieldOf(args) === 'debt';
    if (!debt) return args?.value === undefined ? null : 'debtId is only for field debt';
    if (typeof args?.value === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(args.value)) return null;
    return 'debtId must name the debt (1-64 letters, digits or ._:-) when field is debt';
  };
  return ValidateBy(
    {
      name: 'isDebtIdOfCorrection',
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => problem(args) === null,
        defaultMessage: (args?: ValidationArguments) => problem(args) ?? 'debtId is invalid',
      },
    },
    options,
  );
}
