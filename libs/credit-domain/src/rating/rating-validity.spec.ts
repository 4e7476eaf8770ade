import { NOW, aConsumer, aDay, aDebt, aRating, daysAgo, daysAhead } from '@app/testing';
import { ratingValidUntil } from './rating-validity';

describe('ratingValidUntil: until when a rating computed now may be served', () => {
  it('is the earliest moment a negative record it used stops being reportable, 00:00 in Brasília', () => {
    const consumer = aConsumer({
      debts: [
        aDebt({ id: 'later', dueDate: aDay('2022-01-10') }),
        aDebt({ id: 'sooner', dueDate: aDay('2021-03-10') }),
        aDebt({ id: 'prescribing', dueDate: aDay('2024-01-10'), limitationDate: aDay('2026-08-20') }),
      ],
    });
    expect(ratingValidUntil(consumer, NOW)?.toISOString()).toBe('2026-03-11T03:00:00.000Z');
  });

  it('takes a limitation date when it comes first', () => {
    const consumer = aConsumer({ debts: [aDebt({ dueDate: aDay('2024-01-10'), limitationDate: aDay('2025-08-20') })] });
    expect(ratingValidUntil(consumer, NOW)?.toISOString()).toBe('2025-08-20T03:00:00.000Z');
  });

  it('ignores what the rating did not use: paid debts and records already out of the report', () => {
    const consumer = aConsumer({
      debts: [
        aDebt({ id: 'paid', status: 'PAID', dueDate: daysAgo(30) }),
        aDebt({ id: 'expired', dueDate: aDay('2019-01-01') }),
      ],
    });
    expect(ratingValidUntil(consumer, NOW)).toBeNull();
  });

  it('counts a debt not yet due: it is in the rating as open debt and leaves it five years after falling due', () => {
    const due = daysAhead(10);
    const consumer = aConsumer({ debts: [aDebt({ status: 'OPEN', dueDate: due })] });
    expect(ratingValidUntil(consumer, NOW)).toEqual(due.plusDays(1).plusYears(5).startsAt());
  });

  it('is null for a consumer without debts, or features only', () => {
    expect(ratingValidUntil(aConsumer(), NOW)).toBeNull();
    expect(ratingValidUntil(null, NOW)).toBeNull();
  });
});

describe('Rating.isValidAt', () => {
  it('holds until its validUntil, exclusive, and for ever when there is none', () => {
    const until = new Date(NOW.getTime() + 1_000);
    expect(aRating({ validUntil: until }).isValidAt(new Date(until.getTime() - 1))).toBe(true);
    expect(aRating({ validUntil: until }).isValidAt(until)).toBe(false);
    expect(aRating({ validUntil: null }).isValidAt(new Date('2999-01-01T00:00:00Z'))).toBe(true);
  });
});
