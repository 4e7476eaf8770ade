/**
 * Until when a rating computed at `now` from a consumer's data may be served: the earliest calendar boundary of its
 * inputs. That is the moment a negative record it used stops being reportable (CDC art. 43 §1 and §5; STJ Tema 710:
 * a score may not rest on data the bureau can no longer report), or the moment a record it could not use yet, in its
 * notice period (CDC art. 43 §2), becomes reportable: a score must not leave out a debt the bureau now reports either.
 * null when none lies ahead.
 */
export function ratingValidUntil(
  consumer: { negativeRecordBoundaries(now: Date): Date[] } | null,
  now: Date,
): Date | null {
  const boundaries = consumer ? consumer.negativeRecordBoundaries(now) : [];
  return boundaries.reduce<Date | null>((min, t) => (min === null || t < min ? t : min), null);
}
