import { CalendarDate, DAY_MS } from '@app/shared-kernel';

/** The instant every unit test treats as "now" unless it says otherwise. */
export const NOW = new Date('2025-06-15T12:00:00.000Z');

export const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);
export const daysAfter = (now: Date, days: number): Date => new Date(now.getTime() + days * DAY_MS);
/** YYYY-MM-DD of the day it is in Brasília at an instant, as the wire formats carry dates. */
export const isoDay = (date: Date): string => CalendarDate.today(date).toString();

/** The day it is in Brasília at NOW (15 June 2025). */
export const TODAY = CalendarDate.today(NOW);
/** The day `days` before (or, negative, after) TODAY. */
export const daysAgo = (days: number, today: CalendarDate = TODAY): CalendarDate => today.plusDays(-days);
/** The day `days` after TODAY. */
export const daysAhead = (days: number, today: CalendarDate = TODAY): CalendarDate => today.plusDays(days);
/** A day written YYYY-MM-DD. */
export const aDay = (iso: string): CalendarDate => CalendarDate.fromString(iso);
