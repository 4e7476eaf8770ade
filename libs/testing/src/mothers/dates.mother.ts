import { DAY_MS } from '@app/shared-kernel';

/** The instant every unit test treats as "now" unless it says otherwise. */
export const NOW = new Date('2025-06-15T12:00:00.000Z');

export const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);
export const daysAfter = (now: Date, days: number): Date => new Date(now.getTime() + days * DAY_MS);
/** YYYY-MM-DD of an instant, as the wire formats carry dates. */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);
