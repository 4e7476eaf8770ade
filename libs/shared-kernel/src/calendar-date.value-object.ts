import { ValidationError } from './domain-error';

/**
 * The bureau keeps one calendar, Brasília's: "today", the day a debt falls overdue, five years, six months and ages
 * are days there, not in UTC (where a Brazilian evening is already tomorrow). The offsets come from the runtime's
 * time-zone database through Intl, so the daylight-saving time Brazil kept until 2019 is right for historic dates, and
 * a rule change would arrive with a tzdata update rather than a code change.
 */
const BUREAU_TIME_ZONE = 'America/Sao_Paulo';

const DAY_MS = 86_400_000;
const HALF_DAY_MS = DAY_MS / 2;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOOKS_LIKE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]/;

/** Milliseconds since the epoch of midnight UTC of a day; setUTCFullYear keeps years below 100 literal. */
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

function invalid(field: string, reason: string): ValidationError {
  return new ValidationError('DATE_INVALID', field, reason);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of `zone` at an instant, to the second. */
type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallClock(instantMs: number, zone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) parts[p.type] = p.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  return {
    year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant (negative in Brazil), to the second. */
function offsetMs(instantMs: number, zone: string): number {
  const w = wallClock(instantMs, zone);
  const asUtc = utcMidnight(w.year, w.month, w.day) + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

const startCache = new Map<string, number>();
const START_CACHE_MAX = 8_192;

/**
 * A day of the calendar, with no time and no zone: a due date, a birth date, a limitation date. It travels as
 * `YYYY-MM-DD` end to end; a timestamp is refused where a day is meant, since which day it names depends on a zone.
 */
export class CalendarDate {
  private constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** `YYYY-MM-DD` and nothing else; a timestamp such as 2026-03-10T22:00:00-03:00 is refused with DATE_INVALID. */
  static parse(input: unknown, field: string): CalendarDate {
    if (typeof input !== 'string') throw invalid(field, 'must be a calendar date written YYYY-MM-DD');
    const match = DATE_ONLY.exec(input);
    if (!match) {
      throw invalid(
        field,
        LOOKS_LIKE_TIMESTAMP.test(input)
          ? 'must be a calendar date YYYY-MM-DD without a time or zone (a timestamp names an instant, and its day' +
              ' depends on the zone)'
          : 'must be a calendar date written YYYY-MM-DD',
      );
    }
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
      throw invalid(field, 'is not a day of the calendar');
    return new CalendarDate(year, month, day);
  }

  /** The day of a stored `YYYY-MM-DD`, for adapters reading what this class wrote; a bad value is a broken store. */
  static fromString(value: string): CalendarDate {
    return CalendarDate.parse(value, 'date');
  }

  /** The day a store kept as midnight UTC (a BSON date): its UTC day, whatever time of day it holds. */
  static fromUtcMidnight(stored: Date): CalendarDate {
    return new CalendarDate(stored.getUTCFullYear(), stored.getUTCMonth() + 1, stored.getUTCDate());
  }

  /** The day it is in `zone` (Brasília unless told) at an instant. */
  static today(instant: Date, zone: string = BUREAU_TIME_ZONE): CalendarDate {
    const w = wallClock(instant.getTime(), zone);
    return new CalendarDate(w.year, w.month, w.day);
  }

  private static ofEpochMs(ms: number): CalendarDate {
    return CalendarDate.fromUtcMidnight(new Date(ms));
  }

  private get utcMidnightMs(): number {
    return utcMidnight(this.year, this.month, this.day);
  }

  /**
   * For stores that keep date-only values as instants: midnight UTC of this day, never an instant of the bureau's day.
   */
  toUtcMidnight(): Date {
    return new Date(this.utcMidnightMs);
  }

  plusDays(days: number): CalendarDate {
    return CalendarDate.ofEpochMs(this.utcMidnightMs + days * DAY_MS);
  }

  /**
   * The same day `years` later (or earlier); 29 February becomes 1 March in a common year, as the Civil Code counts
   * terms in years (art. 132 §3: the day of the same number, or the next one when there is none).
   */
  plusYears(years: number): CalendarDate {
    const year = this.year + years;
    if (this.month === 2 && this.day === 29 && daysInMonth(year, 2) === 28) return new CalendarDate(year, 3, 1);
    return new CalendarDate(year, this.month, this.day);
  }

  /**
   * The same day `months` earlier, clamped to the end of a shorter month (31 August minus 6 months is 28/29 February).
   */
  minusMonths(months: number): CalendarDate {
    const index = this.year * 12 + (this.month - 1) - months;
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    return new CalendarDate(year, month, Math.min(this.day, daysInMonth(year, month)));
  }

  /**
   * The first instant of this day in `zone`. Usually local midnight; on a day whose midnight the clocks skipped (the
   * start of Brazilian summer time, until 2018) it is the instant they jumped, 01:00 local.
   */
  startsAt(zone: string = BUREAU_TIME_ZONE): Date {
    const key = `${zone}|${this.toString()}`;
    const cached = startCache.get(key);
    if (cached !== undefined) return new Date(cached);
    const midnight = this.utcMidnightMs;
    // At most one offset change a day: the offsets half a day either side give every candidate for the day's start.
    const candidates = [
      midnight - offsetMs(midnight - HALF_DAY_MS, zone),
      midnight - offsetMs(midnight + HALF_DAY_MS, zone),
    ].sort((a, b) => a - b);
    const start = candidates.find(
      (c) =>
        CalendarDate.today(new Date(c), zone).equals(this) && !CalendarDate.today(new Date(c - 1), zone).equals(this),
    );
    if (start === undefined) throw new Error(`cannot find where ${this.toString()} starts in ${zone}`);
    if (startCache.size >= START_CACHE_MAX) startCache.clear();
    startCache.set(key, start);
    return new Date(start);
  }

  /** Calendar days from this day to `other`: positive when `other` is later. */
  daysUntil(other: CalendarDate): number {
    return Math.round((other.utcMidnightMs - this.utcMidnightMs) / DAY_MS);
  }

  /** Whole years from this day to `other`, counting an anniversary on its day (29 February's on 1 March). */
  wholeYearsUntil(other: CalendarDate): number {
    let years = other.year - this.year;
    if (this.plusYears(years).isAfter(other)) years -= 1;
    return years;
  }

  compareTo(other: CalendarDate): number {
    return this.year - other.year || this.month - other.month || this.day - other.day;
  }

  isBefore(other: CalendarDate): boolean {
    return this.compareTo(other) < 0;
  }

  isAfter(other: CalendarDate): boolean {
    return this.compareTo(other) > 0;
  }

  equals(other: CalendarDate): boolean {
    return this.compareTo(other) === 0;
  }

  toString(): string {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** The first instant (in Brasília) of the day `months` months before today: where "the last six months" begin. */
export function startOfDayMonthsBefore(now: Date, months: number, zone: string = BUREAU_TIME_ZONE): Date {
  return CalendarDate.today(now, zone).minusMonths(months).startsAt(zone);
}
