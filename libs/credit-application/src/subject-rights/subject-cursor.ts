import { ValidationError } from '@app/shared-kernel';

/** Where one list of a subject's page stands: not started (null), a store's cursor, or finished (false). */
export type ListPosition = string | null | false;

/**
 * One cursor over several lists read side by side (inquiries, audit entries, events, ratings), so a client follows a
 * single nextCursor until every list is complete. Opaque to clients; what it holds is checked when it comes back.
 */
export function encodeSubjectCursor(state: Record<string, ListPosition | number>): string | null {
  const done = Object.values(state).every((p) => p === false);
  return done ? null : Buffer.from(JSON.stringify(state)).toString('base64url');
}

type Slot = 'position' | 'offset' | 'instant';

/**
 * The stores' own cursors are short (a transactions cursor ~200 characters for a 128-character event id, an audit
 * cursor ~60), so three of them keep a subject cursor under SUBJECT_CURSOR_MAX_LENGTH.
 */
const MAX_POSITION_LENGTH = 256;

/** The longest cursor this API hands out: three positions of MAX_POSITION_LENGTH, base64url, with room to spare. */
export const SUBJECT_CURSOR_MAX_LENGTH = 1200;

export function decodeSubjectCursor<K extends string>(
  cursor: string,
  shape: Record<K, Slot>,
): Record<K, ListPosition | number | string> {
  const invalid = () => new ValidationError('CURSOR_INVALID', 'cursor', 'is not a cursor returned by this API');
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  for (const [key, kind] of Object.entries(shape) as [K, Slot][]) {
    const v = value[key];
    const ok =
      kind === 'position'
        ? v === null || v === false || (typeof v === 'string' && v.length <= MAX_POSITION_LENGTH)
        : kind === 'offset'
          ? v === false || (Number.isSafeInteger(v) && (v as number) >= 0)
          : typeof v === 'string' && !Number.isNaN(Date.parse(v));
    if (!ok) throw invalid();
  }
  return value as Record<K, ListPosition | number | string>;
}
