import { FixedClock, SystemClock, parseTimestamp } from './clock';
import { ValidationError } from './domain-error';

describe('clocks', () => {
  it('FixedClock answers the same instant until advanced', () => {
    const clock = new FixedClock(new Date('2025-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2025-01-01T00:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2025-01-01T00:01:30.000Z');
  });

  it('FixedClock hands out copies, so a caller mutating the date cannot move the clock', () => {
    const clock = new FixedClock(new Date('2025-01-01T00:00:00Z'));
    clock.now().setUTCFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2025);
  });

  it('SystemClock answers the current time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('parseTimestamp', () => {
  it('refuses a date without a time: which instant it names depends on a zone', () => {
    expect(() => parseTimestamp('2024-05-10', 'occurredAt')).toThrow(
      expect.objectContaining({ code: 'DATE_INVALID', field: 'occurredAt' }),
    );
  });

  it('reads a UTC timestamp', () => {
    expect(parseTimestamp('2024-05-10T13:45:00Z', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.000Z');
  });

  it('reads a timestamp with milliseconds', () => {
    expect(parseTimestamp('2024-05-10T13:45:00.123Z', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.123Z');
  });

  it('reads a timestamp with a zone offset as the same instant in UTC', () => {
    expect(parseTimestamp('2024-05-10T10:45:00-03:00', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.000Z');
    expect(parseTimestamp('2024-05-10T15:45:00+02:00', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.000Z');
  });

  it.each([
    ['garbage', 'not a date'],
    ['empty text', ''],
    ['a Brazilian-style date', '10/05/2024'],
    ['unpadded month and day', '2024-5-1'],
    ['a timestamp without a zone', '2024-05-10T13:45:00'],
    ['a space in place of T', '2024-05-10 13:45:00Z'],
    ['month 13', '2024-13-01'],
    ['hour 25', '2024-05-10T25:00:00Z'],
    ['trailing text', '2024-05-10x'],
    ['a number', 1_715_299_200_000],
    ['a Date object', new Date('2024-05-10T00:00:00Z')],
    ['null', null],
    ['undefined', undefined],
  ])('rejects %s with DATE_INVALID naming the field', (_label, input) => {
    let error: unknown;
    try {
      parseTimestamp(input, 'debts[2].dueDate');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'DATE_INVALID', field: 'debts[2].dueDate' });
  });
});

describe('parseTimestamp on instants that do not exist', () => {
  const unreal = ['2023-02-29T10:00:00Z', '2024-04-31T10:00:00Z', '2024-02-30T10:00:00-03:00', '2024-13-01T10:00:00Z'];
  const alsoUnreal = ['2024-00-10T10:00:00Z', '2024-05-10T24:00:00Z'];
  it.each([...unreal, ...alsoUnreal])('rejects %s instead of rolling it over', (input) => {
    expect(() => parseTimestamp(input, 'dueDate')).toThrow(
      expect.objectContaining({ code: 'DATE_INVALID', field: 'dueDate' }),
    );
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseTimestamp('2024-02-29T21:00:00-03:00', 'd').toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });
});
