import { ValidationError } from '@app/shared-kernel';
import { decodeCursor, encodeCursor, sixMonthsAgo } from './transaction-queries';

describe('transaction query helpers', () => {
  it('decodes what it encoded', () => {
    expect(decodeCursor(encodeCursor(1_718_000_000_000, 'evt:1/ä'))).toEqual({ at: 1_718_000_000_000, id: 'evt:1/ä' });
  });

  it('encodes cursors as URL-safe text', () => {
    expect(encodeCursor(1, 'a'.repeat(50))).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['text that is not base64 JSON', 'not a cursor'],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ at: 1, id: 'x' })).toString('base64url')],
    ['a pair with the types swapped', Buffer.from(JSON.stringify(['x', 1])).toString('base64url')],
    ['an empty cursor', ''],
  ])('rejects %s with CURSOR_INVALID on the cursor field', (_label, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'CURSOR_INVALID', field: 'cursor' });
  });

  it('goes back six calendar months to 00:00 in Brasília of that day', () => {
    expect(sixMonthsAgo(new Date('2025-06-15T12:00:00Z')).toISOString()).toBe('2024-12-15T03:00:00.000Z');
  });

  it('counts from the Brasília day: at 21:00 BRT on 19 January it is still 19 January there', () => {
    expect(sixMonthsAgo(new Date('2025-01-20T00:00:00Z')).toISOString()).toBe('2024-07-19T03:00:00.000Z');
  });
});
