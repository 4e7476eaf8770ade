import { NOW, aCardPurchaseInput, aMovementInput, anInquiryInput } from '@app/testing';
import { TransactionEventInput } from '@app/credit-domain';
import { validateEvents } from './validate-events';

describe('validateEvents', () => {
  it('keeps every valid event in order and explains every invalid one by its index', () => {
    const { valid, rejected } = validateEvents(
      [
        anInquiryInput({ eventId: 'a' }),
        aMovementInput({ eventId: 'b', amountCents: 0 }),
        aCardPurchaseInput({ eventId: 'c' }),
      ],
      NOW,
    );
    expect(valid.map((e) => e.eventId)).toEqual(['a', 'c']);
    expect(rejected).toEqual([
      { index: 1, eventId: 'b', code: 'EVENT_INVALID', field: 'events[1].amountCents', reason: 'must not be zero' },
    ]);
  });

  it('reports a null entry by its index with no event id', () => {
    const { rejected } = validateEvents([null as unknown as TransactionEventInput], NOW);
    expect(rejected).toEqual([
      { index: 0, eventId: null, code: 'EVENT_INVALID', field: 'events[0]', reason: 'must be an object' },
    ]);
  });
});
