import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { MESSAGE_SCHEMAS } from './messages';
import { BureauInquiryEvent, CardPurchaseEvent, FinancialMovementEvent, TransactionEventSchema } from './schemas';

export interface PayloadProblem {
  field: string;
  reason: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// The shape of a CPF or CNPJ is the schema's pattern; their check digits are the domain's, which names the field and
// answers CPF_INVALID or CNPJ_INVALID rather than a schema error.
ajv.addFormat('cpf', true);
ajv.addFormat('cnpj', true);
const validators = new Map<string, ValidateFunction>(Object.entries(MESSAGE_SCHEMAS).map(([pattern, schema]) => [pattern, ajv.compile(schema)]));
const eventValidator = ajv.compile(TransactionEventSchema);
/**
 * The branches of the oneOf, by their `type` constant. Each branch requires its own constant, so at most one branch can
 * match and an event is valid against the oneOf exactly when it is valid against the branch its type names. Checking
 * that branch alone skips the other two (with allErrors, ajv runs every keyword of every branch, date-time format
 * included, for each of the thousands of events an ingest batch carries); failures still get the full oneOf report.
 */
const branchValidators = new Map<unknown, ValidateFunction>([
  ['BUREAU_INQUIRY', ajv.compile(BureauInquiryEvent)],
  ['FINANCIAL_MOVEMENT', ajv.compile(FinancialMovementEvent)],
  ['CARD_PURCHASE', ajv.compile(CardPurchaseEvent)],
]);

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
  const ofType = event !== null && typeof event === 'object' ? branchValidators.get((event as { type?: unknown }).type) : undefined;
  if (ofType?.(event)) return [];
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
