import { PURPOSES, Purpose, Scope } from '@app/credit-domain';
import { RateDecision } from '../ports/rate-limiter';

/** Why a request was refused, in the terms every entry answers with: a status, a stable code, the field at fault. */
export interface AccessRefusal {
  status: 400 | 401 | 403 | 404 | 429;
  code: string;
  message: string;
  field?: string;
}

const PURPOSE_SET: ReadonlySet<string> = new Set(PURPOSES);

export const isPurpose = (value: string): value is Purpose => PURPOSE_SET.has(value);

/** The rules of access one place says, so the Nest guard and the analysis-read policy refuse alike. */
export const accessRefusals = {
  noKey: (): AccessRefusal => ({ status: 401, code: 'UNAUTHENTICATED', message: 'send an API key in X-Api-Key' }),
  badKey: (): AccessRefusal => ({
    status: 401,
    code: 'UNAUTHENTICATED',
    message: 'the API key is not valid or has been revoked',
  }),
  scopeMissing: (scope: Scope): AccessRefusal => ({
    status: 403,
    code: 'SCOPE_MISSING',
    message: `this key lacks the scope ${scope}`,
  }),
  rateLimited: (rate: RateDecision): AccessRefusal => ({
    status: 429,
    code: 'RATE_LIMITED',
    message: `more than ${rate.limit} requests this minute; retry in ${rate.resetSeconds} s`,
  }),
};

/** The declared purpose of a read of personal data, trimmed, or why it is refused (none, or not on the list). */
export function checkPurpose(raw: string | null | undefined): { purpose: Purpose } | { refusal: AccessRefusal } {
  const purpose = raw?.trim() ?? '';
  if (!purpose) {
    const message = 'reads of personal data must declare a purpose';
    return { refusal: { status: 400, code: 'PURPOSE_REQUIRED', message, field: 'X-Purpose' } };
  }
  if (!isPurpose(purpose)) {
    const message = `must be one of ${PURPOSES.join(', ')}`;
    return { refusal: { status: 400, code: 'PURPOSE_INVALID', message, field: 'X-Purpose' } };
  }
  return { purpose };
}
