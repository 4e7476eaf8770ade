import { FixedClock, SystemClock, addYears, monthsBefore, parseIsoDate, yearsBetween } from './clock';
import { ValidationError } from './domain-error';

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

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

describe('yearsBetween', () => {
  it('does not count a birthday that is still ahead this year', () => {
    expect(yearsBetween(utc('1990-06-16'), utc('2025-06-15'))).toBe(34);
  });

  it('counts the birthday on the day itself', () => {
    expect(yearsBetween(utc('1990-06-15'), utc('2025-06-15'))).toBe(35);
  });

  it('counts the birthday on the day after', () => {
    expect(yearsBetween(utc('1990-06-14'), utc('2025-06-15'))).toBe(35);
  });

  it('does not count a birthday in a later month', () => {
    expect(yearsBetween(utc('1990-07-01'), utc('2025-06-30'))).toBe(34);
  });

  it('counts the time of day as irrelevant: the birthday morning already counts', () => {
    expect(yearsBetween(new Date('1990-06-15T23:59:59Z'), new Date('2025-06-15T00:00:00Z'))).toBe(35);
  });

  describe('someone born on 29 February', () => {
    const leapling = utc('2000-02-29');

    it('is not a year older on 28 February of a common year', () => {
      expect(yearsBetween(leapling, utc('2001-02-28'))).toBe(0);
    });

    it('is a year older on 1 March of a common year', () => {
      expect(yearsBetween(leapling, utc('2001-03-01'))).toBe(1);
    });

    it('becomes a year older on 29 February of a leap year, not the day before', () => {
      expect(yearsBetween(leapling, utc('2004-02-28'))).toBe(3);
      expect(yearsBetween(leapling, utc('2004-02-29'))).toBe(4);
    });
  });
});

describe('addYears', () => {
  it('moves the same calendar day and time', () => {
    expect(addYears(new Date('2020-06-15T12:00:00Z'), 5).toISOString()).toBe('2025-06-15T12:00:00.000Z');
    expect(addYears(new Date('2025-06-15T12:00:00Z'), -5).toISOString()).toBe('2020-06-15T12:00:00.000Z');
  });

  it('rolls 29 February over to 1 March in a common year', () => {
    expect(addYears(utc('2020-02-29'), 1).toISOString()).toBe('2021-03-01T00:00:00.000Z');
  });

  it('does not change its argument', () => {
    const d = utc('2020-01-01');
    addYears(d, 3);
    expect(d.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });
});

describe('parseIsoDate', () => {
  it('reads YYYY-MM-DD as midnight UTC', () => {
    expect(parseIsoDate('2024-05-10', 'birthDate').toISOString()).toBe('2024-05-10T00:00:00.000Z');
  });

  it('reads a UTC timestamp', () => {
    expect(parseIsoDate('2024-05-10T13:45:00Z', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.000Z');
  });

  it('reads a timestamp with milliseconds', () => {
    expect(parseIsoDate('2024-05-10T13:45:00.123Z', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.123Z');
  });

  it('reads a timestamp with a zone offset as the same instant in UTC', () => {
    expect(parseIsoDate('2024-05-10T10:45:00-03:00', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.000Z');
    expect(parseIsoDate('2024-05-10T15:45:00+02:00', 'occurredAt').toISOString()).toBe('2024-05-10T13:45:00.000Z');
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
      parseIsoDate(input, 'debts[2].dueDate');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'DATE_INVALID', field: 'debts[2].dueDate' });
  });
});

describe('parseIsoDate on days that do not exist', () => {
  it.each(['2023-02-29', '2024-04-31', '2024-02-30T10:00:00-03:00', '2024-13-01', '2024-00-10'])('rejects %s instead of rolling it into the next month', (input) => {
    expect(() => parseIsoDate(input, 'dueDate')).toThrow(expect.objectContaining({ code: 'DATE_INVALID', field: 'dueDate' }));
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseIsoDate('2024-02-29', 'd').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });
});

describe('monthsBefore', () => {
  it('goes back by calendar months, keeping the time of day', () => {
    expect(monthsBefore(new Date('2025-06-15T12:00:00Z'), 6).toISOString()).toBe('2024-12-15T12:00:00.000Z');
    expect(monthsBefore(new Date('2025-03-10T08:30:00Z'), 6).toISOString()).toBe('2024-09-10T08:30:00.000Z');
  });

  it('clamps to the end of a shorter month instead of overflowing into the next', () => {
    expect(monthsBefore(new Date('2025-08-31T09:00:00Z'), 6).toISOString()).toBe('2025-02-28T09:00:00.000Z');
    expect(monthsBefore(new Date('2025-12-31T00:00:00Z'), 6).toISOString()).toBe('2025-06-30T00:00:00.000Z');
    expect(monthsBefore(new Date('2024-08-31T00:00:00Z'), 6).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });
});
