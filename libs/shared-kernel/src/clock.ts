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
  const date = new Date(input.length === 10 ? `${input}T00:00:00Z` : input);
  if (Number.isNaN(date.getTime())) throw invalidDate(field);
  return date;
}

function invalidDate(field: string): ValidationError {
  return new ValidationError('DATE_INVALID', field, 'must be an ISO-8601 date (YYYY-MM-DD) or timestamp with zone');
}
