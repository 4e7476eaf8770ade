import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { MESSAGE_SCHEMAS, RejectedItemV1 } from './messages';
import {
  BureauInquiryEvent,
  CardPurchaseEvent,
  ConsumerRecord,
  DebtReportSchema,
  FinancialMovementEvent,
  PayDebtReport,
  RegisterDebtReport,
  RemoveDebtReport,
  RenegotiateDebtReport,
  TransactionEventSchema,
  UpdateDebtAmountReport,
} from './schemas';

interface PayloadProblem {
  field: string;
  reason: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// The shape of a CPF or CNPJ is the schema's pattern; their check digits are the domain's, which names the field and
// answers CPF_INVALID or CNPJ_INVALID rather than a schema error.
ajv.addFormat('cpf', true);
ajv.addFormat('cnpj', true);
const validators = new Map<string, ValidateFunction>(
  Object.entries(MESSAGE_SCHEMAS).map(([pattern, schema]) => [pattern, ajv.compile(schema)]),
);
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
    field: e.instancePath
      ? e.instancePath
          .slice(1)
          .replace(/\/(\d+)/g, '[$1]')
          .replace(/\//g, '.') || '(root)'
      : '(root)',
    reason:
      e.keyword === 'additionalProperties'
        ? `unknown field ${(e.params as { additionalProperty: string }).additionalProperty}`
        : (e.message ?? 'invalid'),
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
  const ofType =
    event !== null && typeof event === 'object' ? branchValidators.get((event as { type?: unknown }).type) : undefined;
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

const debtReportValidator = ajv.compile(DebtReportSchema);
const debtReportBranches = new Map<unknown, ValidateFunction>([
  ['REGISTER', ajv.compile(RegisterDebtReport)],
  ['UPDATE_AMOUNT', ajv.compile(UpdateDebtAmountReport)],
  ['PAY', ajv.compile(PayDebtReport)],
  ['RENEGOTIATE', ajv.compile(RenegotiateDebtReport)],
  ['REMOVE', ajv.compile(RemoveDebtReport)],
]);
const consumerRecordValidator = ajv.compile(ConsumerRecord);

/**
 * One debt report against the schema of the operation it names; a report whose operation is none of them is told so
 * rather than given the errors of all five branches.
 */
export function validateDebtReportPayload(report: unknown): PayloadProblem[] {
  const operation =
    report !== null && typeof report === 'object' ? (report as { operation?: unknown }).operation : undefined;
  const branch = debtReportBranches.get(operation);
  if (!branch) {
    if (debtReportValidator(report)) return [];
    const known = [...debtReportBranches.keys()].join(', ');
    return [{ field: 'operation', reason: `must be one of ${known}` }];
  }
  return branch(report) ? [] : problems(branch.errors);
}

/** One consumer record against its schema. */
export function validateConsumerRecordPayload(record: unknown): PayloadProblem[] {
  return consumerRecordValidator(record) ? [] : problems(consumerRecordValidator.errors);
}

/**
 * The items of a batch checked one by one against their schema (`list` names the array: reports, records): those that
 * pass, with their position, and a rejection (code SCHEMA_INVALID, the first field at fault, every reason) for each
 * that does not.
 */
export function checkItems<T>(
  items: readonly unknown[],
  validate: (item: unknown) => PayloadProblem[],
  list: string,
): { passed: { index: number; input: T }[]; rejected: RejectedItemV1[] } {
  const passed: { index: number; input: T }[] = [];
  const rejected: { index: number; code: string; field: string; reason: string }[] = [];
  items.forEach((item, index) => {
    const found = validate(item);
    if (found.length === 0) {
      passed.push({ index, input: item as T });
      return;
    }
    const at = (field: string) => (field === '(root)' ? `${list}[${index}]` : `${list}[${index}].${field}`);
    const reason = found.map((p) => `${p.field}: ${p.reason}`).join('; ');
    rejected.push({ index, code: 'SCHEMA_INVALID', field: at(found[0]!.field), reason });
  });
  return { passed, rejected };
}
