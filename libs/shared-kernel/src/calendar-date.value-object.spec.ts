import { CalendarDate, startOfDayMonthsBefore } from './calendar-date.value-object';
import { ValidationError } from './domain-error';

const day = (iso: string) => CalendarDate.parse(iso, 'd');
const at = (iso: string) => new Date(iso);

describe('CalendarDate.parse', () => {
  it('reads YYYY-MM-DD and writes it back unchanged', () => {
    expect(day('2025-03-10').toString()).toBe('2025-03-10');
    expect(JSON.stringify({ d: day('0987-01-02') })).toBe('{"d":"0987-01-02"}');
  });

  it.each([
    ['a timestamp with a Brazilian offset', '2026-03-10T22:00:00-03:00'],
    ['a UTC timestamp', '2026-03-10T00:00:00Z'],
    ['a timestamp without a zone', '1988-07-14T21:30:00'],
    ['a space in place of T', '2026-03-10 22:00'],
  ])('refuses %s, saying a day carries no time or zone', (_label, input) => {
    expect(() => CalendarDate.parse(input, 'debts[0].dueDate')).toThrow(
      expect.objectContaining({
        code: 'DATE_INVALID',
        field: 'debts[0].dueDate',
        message: expect.stringContaining('without a time or zone'),
      }),
    );
  });

  it.each(['10/03/2026', '2026-3-10', '', '2026-03-10x', '20260310'])(
    'refuses %p as not written' + ' YYYY-MM-DD',
    (input) => {
      expect(() => CalendarDate.parse(input, 'birthDate')).toThrow(
        expect.objectContaining({ code: 'DATE_INVALID', field: 'birthDate' }),
      );
    },
  );

  it.each(['2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '0000-01-01'])(
    'refuses %s, a day the calendar' + ' does not have',
    (input) => {
      expect(() => day(input)).toThrow(ValidationError);
    },
  );

  it.each([20260310, null, undefined, new Date(0)])('refuses %p: only text is a date', (input) => {
    expect(() => CalendarDate.parse(input, 'since')).toThrow(expect.objectContaining({ code: 'DATE_INVALID' }));
  });

  it('accepts 29 February of a leap year', () => {
    expect(day('2024-02-29').toString()).toBe('2024-02-29');
  });
});

describe('today in Brasília', () => {
  it.each([
    ['21:00', '2025-03-10T00:00:00Z'],
    ['21:30', '2025-03-10T00:30:00Z'],
    ['23:59:59', '2025-03-10T02:59:59Z'],
  ])('is still 9 March at %s BRT on 9 March, although UTC has reached 10 March', (_label, instant) => {
    expect(CalendarDate.today(at(instant)).toString()).toBe('2025-03-09');
  });

  it('turns 10 March at midnight Brasília, 03:00 UTC', () => {
    expect(CalendarDate.today(at('2025-03-10T03:00:00Z')).toString()).toBe('2025-03-10');
  });

  it('follows the historic summer time: 23:30 BRST on 16 February 2019 was 01:30 UTC', () => {
    expect(CalendarDate.today(at('2019-02-17T01:30:00Z')).toString()).toBe('2019-02-16');
    expect(CalendarDate.today(at('2016-01-15T02:00:00Z')).toString()).toBe('2016-01-15');
  });
});

describe('startsAt in Brasília', () => {
  it('is 03:00 UTC on an ordinary day since 2019', () => {
    expect(day('2025-03-10').startsAt().toISOString()).toBe('2025-03-10T03:00:00.000Z');
    expect(day('2030-03-11').startsAt().toISOString()).toBe('2030-03-11T03:00:00.000Z');
  });

  it('is 02:00 UTC on a summer-time day before 2019', () => {
    expect(day('2016-01-15').startsAt().toISOString()).toBe('2016-01-15T02:00:00.000Z');
  });

  it('is 01:00 local on the day summer time began at midnight (4 November 2018)', () => {
    expect(day('2018-11-04').startsAt().toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(CalendarDate.today(at('2018-11-04T02:59:59Z')).toString()).toBe('2018-11-03');
  });

  it('gives the 25-hour day when summer time ended (16 February 2019) its whole length', () => {
    expect(day('2019-02-16').startsAt().toISOString()).toBe('2019-02-16T02:00:00.000Z');
    expect(day('2019-02-17').startsAt().toISOString()).toBe('2019-02-17T03:00:00.000Z');
  });

  it('uses local mean time before standard zones (1900), to the second', () => {
    expect(day('1900-01-01').startsAt().toISOString()).toBe('1900-01-01T03:06:28.000Z');
  });
});

describe('calendar arithmetic', () => {
  it('adds days across months and years', () => {
    expect(day('2024-02-28').plusDays(1).toString()).toBe('2024-02-29');
    expect(day('2025-12-31').plusDays(1).toString()).toBe('2026-01-01');
    expect(day('2025-03-01').plusDays(-1).toString()).toBe('2025-02-28');
  });

  it('moves 29 February to 1 March in a common year, and keeps it in a leap year', () => {
    expect(day('2024-02-29').plusYears(5).toString()).toBe('2029-03-01');
    expect(day('2024-02-29').plusYears(4).toString()).toBe('2028-02-29');
    expect(day('2025-03-10').plusYears(5).toString()).toBe('2030-03-10');
  });

  it('goes back by calendar months, clamped to the end of a shorter month', () => {
    expect(day('2025-06-15').minusMonths(6).toString()).toBe('2024-12-15');
    expect(day('2025-08-31').minusMonths(6).toString()).toBe('2025-02-28');
    expect(day('2024-08-31').minusMonths(6).toString()).toBe('2024-02-29');
    expect(day('2025-01-31').minusMonths(13).toString()).toBe('2023-12-31');
  });

  it('counts days between two dates', () => {
    expect(day('2025-03-10').daysUntil(day('2025-03-11'))).toBe(1);
    expect(day('2024-02-28').daysUntil(day('2024-03-01'))).toBe(2);
    expect(day('2025-03-11').daysUntil(day('2025-03-10'))).toBe(-1);
  });

  describe('whole years (age)', () => {
    it('counts a birthday on its day, not the day before', () => {
      expect(day('1990-06-15').wholeYearsUntil(day('2025-06-14'))).toBe(34);
      expect(day('1990-06-15').wholeYearsUntil(day('2025-06-15'))).toBe(35);
    });

    it(
      'makes someone born on 29 February a year older on 1 March of a common year, on 29 February of a leap' + ' year',
      () => {
        const leapling = day('2000-02-29');
        expect(leapling.wholeYearsUntil(day('2001-02-28'))).toBe(0);
        expect(leapling.wholeYearsUntil(day('2001-03-01'))).toBe(1);
        expect(leapling.wholeYearsUntil(day('2004-02-28'))).toBe(3);
        expect(leapling.wholeYearsUntil(day('2004-02-29'))).toBe(4);
      },
    );
  });

  it('orders dates', () => {
    expect(day('2025-03-10').isBefore(day('2025-03-11'))).toBe(true);
    expect(day('2025-03-10').isAfter(day('2024-12-31'))).toBe(true);
    expect(day('2025-03-10').equals(day('2025-03-10'))).toBe(true);
  });

  it('reads and writes the midnight-UTC instants stores keep dates as', () => {
    expect(day('1988-07-14').toUtcMidnight().toISOString()).toBe('1988-07-14T00:00:00.000Z');
    expect(CalendarDate.fromUtcMidnight(new Date('1988-07-14T00:00:00Z')).toString()).toBe('1988-07-14');
  });
});

describe('startOfDayMonthsBefore', () => {
  it('starts six months back at midnight Brasília of the same day', () => {
    expect(startOfDayMonthsBefore(at('2025-06-15T12:00:00Z'), 6).toISOString()).toBe('2024-12-15T03:00:00.000Z');
  });

  it('counts from the Brasília day at 22:00 BRT, not from the UTC day already begun', () => {
    expect(startOfDayMonthsBefore(at('2025-06-16T01:00:00Z'), 6).toISOString()).toBe('2024-12-15T03:00:00.000Z');
  });
});
