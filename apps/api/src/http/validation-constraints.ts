import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  ParameterObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataStorage } from 'class-validator';

type Keywords = Partial<SchemaObject>;

/** The JSON Schema keywords a class-validator constraint stands for; constraints with no counterpart map to none. */
function keywordsOf(name: string | undefined, constraints: unknown[] = []): Keywords {
  const [first, second] = constraints as [unknown, unknown];
  switch (name) {
    case 'isInt':
      return { type: 'integer' };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'min':
      return { minimum: first as number };
    case 'max':
      return { maximum: first as number };
    case 'isLength':
      return { minLength: first as number, ...(typeof second === 'number' ? { maxLength: second } : {}) };
    case 'minLength':
      return { minLength: first as number };
    case 'maxLength':
      return { maxLength: first as number };
    case 'isNotEmpty':
      return { minLength: 1 };
    case 'matches':
      return { pattern: (first as RegExp).source };
    case 'isIn':
      return { enum: [...(first as unknown[])] };
    case 'arrayMinSize':
      return { minItems: first as number };
    case 'arrayMaxSize':
      return { maxItems: first as number };
    // The strict check builds a Date from the year's digits, and a year under 100 is read as 19xx: it refuses them.
    case 'isDateString':
      return (first as { strict?: boolean } | undefined)?.strict ? { pattern: '^(?!00)' } : {};
    default:
      return {};
  }
}

/** Adds each keyword the schema does not state yet; what a DTO's @ApiProperty says explicitly wins. */
function merge(target: SchemaObject, keywords: Keywords): void {
  for (const [key, value] of Object.entries(keywords)) {
    const current = (target as Record<string, unknown>)[key];
    if (current === undefined || (key === 'type' && current === 'number'))
      (target as Record<string, unknown>)[key] = value;
  }
}

function constrain(
  schema: SchemaObject | ReferenceObject | undefined,
  name: string | undefined,
  constraints: unknown[],
  each: boolean,
): void {
  if (!schema || '$ref' in schema) return;
  if (each) {
    if (schema.items && !('$ref' in schema.items)) merge(schema.items, keywordsOf(name, constraints));
    return;
  }
  merge(schema, keywordsOf(name, constraints));
}

/**
 * Writes into the contract what the DTOs' class-validator decorators enforce (integer, ranges, lengths, patterns,
 * enums, array sizes), so the schema of a request body or query states the same limits the validation pipe applies,
 * and stays so when a decorator changes. Body DTOs are found by their component name, query DTOs by their parameters'
 * names.
 */
export function applyValidationConstraints(
  document: OpenAPIObject,
  bodies: Function[],
  queries: Function[],
): OpenAPIObject {
  const storage = getMetadataStorage();
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  for (const dto of bodies) {
    const schema = schemas[dto.name];
    if (!schema) throw new Error(`${dto.name} is listed as a request body but the contract has no schema of that name`);
    for (const m of storage.getTargetValidationMetadatas(dto, '', true, false)) {
      constrain(schema.properties?.[m.propertyName], m.name, m.constraints, m.each);
    }
  }
  const queryRules = queries.flatMap((dto) => storage.getTargetValidationMetadatas(dto, '', true, false));
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as { parameters?: (ParameterObject | ReferenceObject)[] }[]) {
      for (const parameter of operation.parameters ?? []) {
        if ('$ref' in parameter || parameter.in !== 'query') continue;
        for (const m of queryRules.filter((r) => r.propertyName === parameter.name))
          constrain(parameter.schema, m.name, m.constraints, m.each);
      }
    }
  }
  return document;
}
