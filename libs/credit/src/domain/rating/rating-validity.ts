/**
 * Until when a rating computed at `now` from a consumer's data may be served: the earliest calendar boundary of its
 * inputs. Today that is the moment a negative record it used stops being reportable (CDC art. 43 §1 and §5; STJ
 * Tema 710: a score may not rest on data the bureau can no longer report). Other boundaries, such as a pending debt
 * becoming overdue, would join the list. null when none lies ahead.
 */
export function ratingValidUntil(consumer: { negativeRecordExpiries(now: Date): Date[] } | null, now: Date): Date | null {
  const boundaries = consumer ? consumer.negativeRecordExpiries(now) : [];
  return boundaries.reduce<Date | null>((min, t) => (min === null || t < min ? t : min), null);
}
