import { ValidationError, startOfDayMonthsBefore } from '@app/shared-kernel';

/** Shared by every TransactionStore adapter so paging and windows mean the same thing on each. */
export function encodeCursor(atMs: number, eventId: string): string {
  return Buffer.from(JSON.stringify([atMs, eventId])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'number' && typeof id === 'string') return { at, id };
  } catch {
    // falls through to the validation error below
  }
  throw new ValidationError('CURSOR_INVALID', 'cursor', 'is not a cursor returned by this API');
}

/** Where "the last six months" begin: 00:00 in Brasília of the same day six months back (clamped to a month's end). */
export function sixMonthsAgo(now: Date): Date {
  return startOfDayMonthsBefore(now, 6);
}
