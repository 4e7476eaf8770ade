import { ValidationError } from './domain-error';

/** Time is a dependency: handlers ask the clock, so tests and demo data are deterministic. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const DAY_MS = 86_400_000;

export function addYears(date: Date, years: number): Date {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Whole years between two instants, counting a birthday only once it has passed. */
export function yearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday =
    to.getUTCMonth() < from.getUTCMonth() ||
    (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years -= 1;
  return years;
}

export function parseIsoDate(input: unknown, field: string): Date {
  if (typeof input !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(input)) {
    throw invalidDate(field);
  }
  const [year, month, day] = input.slice(0, 10).split('-').map(Number);
  // Date silently rolls 2023-02-30 over to March; a day that does not exist in its month is an input error.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalidDate(field);
  const date = new Date(input.length === 10 ? `${input}T00:00:00Z` : input);
  if (Number.isNaN(date.getTime())) throw invalidDate(field);
  return date;
}

function invalidDate(field: string): ValidationError {
  return new ValidationError('DATE_INVALID', field, 'must be an ISO-8601 date (YYYY-MM-DD) or timestamp with zone');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day `months` earlier, clamped to the end of a shorter month (31 Aug minus 6 months is 28/29 Feb, not 3 Mar). */
export function monthsBefore(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  d.setUTCDate(Math.min(day, daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1)));
  return d;
}
