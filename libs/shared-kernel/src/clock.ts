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

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant: a date-time with a zone or offset (`2025-03-10T21:30:00-03:00`, `...Z`). A date alone is refused, since
 * which instant it names depends on a zone; days are CalendarDate values.
 */
export function parseTimestamp(input: unknown, field: string): Date {
  if (typeof input !== 'string' || !TIMESTAMP.test(input)) {
    throw new ValidationError(
      'DATE_INVALID',
      field,
      'must be an ISO-8601 timestamp with a zone, such as 2025-03-10T21:30:00-03:00',
    );
  }
  const [year, month, day] = input.slice(0, 10).split('-').map(Number);
  const [hour, minute] = [Number(input.slice(11, 13)), Number(input.slice(14, 16))];
  const second = input[16] === ':' ? Number(input.slice(17, 19)) : 0;
  // Date silently rolls 2023-02-30 over to March and 24:00 into the next day; those are input errors here.
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  if (!valid || hour > 23 || minute > 59 || second > 59) {
    throw new ValidationError('DATE_INVALID', field, 'is not a real date and time');
  }
  const date = new Date(input);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError('DATE_INVALID', field, 'is not a real date and time');
  }
  return date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
