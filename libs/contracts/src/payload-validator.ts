import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { MESSAGE_SCHEMAS } from './messages';
import { TransactionEventSchema } from './schemas';

export interface PayloadProblem {
  field: string;
  reason: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>(Object.entries(MESSAGE_SCHEMAS).map(([pattern, schema]) => [pattern, ajv.compile(schema)]));
const eventValidator = ajv.compile(TransactionEventSchema);

function problems(errors: ErrorObject[] | null | undefined): PayloadProblem[] {
  return (errors ?? []).map((e) => ({
    field: e.instancePath ? e.instancePath.slice(1).replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.') || '(root)' : '(root)',
    reason: e.keyword === 'additionalProperties' ? `unknown field ${(e.params as { additionalProperty: string }).additionalProperty}` : (e.message ?? 'invalid'),
  }));
}

/** Checks a payload against the schema of its pattern; returns the problems, empty when valid. */
export function validatePayload(pattern: string, payload: unknown): PayloadProblem[] {
  const validate = validators.get(pattern);
  if (!validate) return [{ field: '(pattern)', reason: `no schema is registered for ${pattern}` }];
  return validate(payload) ? [] : problems(validate.errors);
}

/** One transaction event against its schema: the shape the AsyncAPI document promises partners. */
export function validateEventPayload(event: unknown): PayloadProblem[] {
  if (eventValidator(event)) return [];
  const type = (event as { type?: unknown } | null)?.type;
  const errors = (eventValidator.errors ?? []).filter((e) => {
    // oneOf reports every branch; keep the branch of the declared type so the reason is the useful one.
    const branch = /^#\/oneOf\/(\d)/.exec(e.schemaPath)?.[1];
    const names = ['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT', 'CARD_PURCHASE'];
    return branch === undefined ? !names.includes(type as string) : names[Number(branch)] === type;
  });
  return problems(errors.length ? errors : eventValidator.errors);
}
