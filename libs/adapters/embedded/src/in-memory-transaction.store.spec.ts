import { Cpf, DAY_MS } from '@app/shared-kernel';
import {
  NOW,
  VALID_CPF,
  aCardPurchaseInput,
  aMovementInput,
  anEvent,
  anInquiryInput,
  cpfFromBase,
  occurredDaysAgo,
} from '@app/testing';
import { InMemoryTransactionStore } from './in-memory-transaction.store';

const cpf = Cpf.parse(VALID_CPF);
const OTHER = cpfFromBase(987_654_321);
const HOUR_IN_DAYS = 1 / 24;

describe('InMemoryTransactionStore', () => {
  describe('append', () => {
    it('stores new events and counts re-sent ids as duplicates', async () => {
      const store = new InMemoryTransactionStore();
      const events = [anEvent(anInquiryInput({ eventId: 'a' })), anEvent(aMovementInput({ eventId: 'b' }))];
      expect(await store.append(events)).toMatchObject({ stored: 2, duplicates: 0 });
      expect(await store.append([...events, anEvent(aCardPurchaseInput({ eventId: 'c' }))])).toMatchObject({
        stored: 1,
        duplicates: 2,
      });
      expect(store.size()).toBe(3);
    });

    it('stores an id only once even when it appears twice in one batch', async () => {
      const store = new InMemoryTransactionStore();
      expect(
        await store.append([anEvent(anInquiryInput({ eventId: 'a' })), anEvent(anInquiryInput({ eventId: 'a' }))]),
      ).toEqual({ stored: 1, duplicates: 1, outcomes: ['STORED', 'DUPLICATE'] });
    });
  });

  describe('summarize', () => {
    const movement = (id: string, daysAgo: number, amountCents: number, kind = 'SALARY') =>
      anEvent(aMovementInput({ eventId: id, occurredAt: occurredDaysAgo(daysAgo), amountCents, kind }));

    it('sums movements into 30- and 90-day windows, both ends inclusive', async () => {
      const store = new InMemoryTransactionStore();
      await store.append([
        movement('m10', 10, 100_000),
        movement('m30', 30, -20_000, 'BILL_PAYMENT'),
        movement('m31', 31, 5_000, 'TRANSFER_IN'),
        movement('m90', 90, -1_000, 'WITHDRAWAL'),
        movement('m91', 91, 777_777),
      ]);
      const s = await store.summarize(cpf, NOW);
      expect(s.movements30d).toEqual({
        inflowCents: 100_000,
        outflowCents: 20_000,
        count: 2,
        byKind: { SALARY: 100_000, BILL_PAYMENT: -20_000 },
      });
      expect(s.movements90d).toEqual({
        inflowCents: 105_000,
        outflowCents: 21_000,
        count: 4,
        byKind: { SALARY: 100_000, BILL_PAYMENT: -20_000, TRANSFER_IN: 5_000, WITHDRAWAL: -1_000 },
      });
    });

    it('nets several movements of one kind', async () => {
      const store = new InMemoryTransactionStore();
      await store.append([movement('in', 3, 50_000, 'TRANSFER_IN'), movement('in2', 4, 25_000, 'TRANSFER_IN')]);
      expect((await store.summarize(cpf, NOW)).movements30d.byKind).toEqual({ TRANSFER_IN: 75_000 });
    });

    it('counts inquiries of the last six months and names the latest one', async () => {
      const store = new InMemoryTransactionStore();
      await store.append([
        anEvent(anInquiryInput({ eventId: 'i-old', occurredAt: '2024-11-15T12:00:00Z', inquirer: 'Old Bank' })),
        anEvent(anInquiryInput({ eventId: 'i-edge', occurredAt: '2024-12-15T12:00:00Z', inquirer: 'Edge Bank' })),
        anEvent(
          anInquiryInput({
            eventId: 'i-new',
            occurredAt: '2025-05-01T12:00:00Z',
            inquirer: 'New Bank',
            purpose: 'RENTAL_GUARANTEE',
          }),
        ),
        anEvent(anInquiryInput({ eventId: 'i-mid', occurredAt: '2025-02-01T12:00:00Z', inquirer: 'Mid Bank' })),
      ]);
      const s = await store.summarize(cpf, NOW);
      expect(s.inquiriesLast6Months).toBe(3);
      expect(s.lastInquiry).toEqual({
        inquirer: 'New Bank',
        purpose: 'RENTAL_GUARANTEE',
        occurredAt: new Date('2025-05-01T12:00:00Z'),
      });
    });

    it('names the latest card purchase even outside 90 days, but counts only the last 90 days', async () => {
      const store = new InMemoryTransactionStore();
      await store.append([
        anEvent(
          aCardPurchaseInput({
            eventId: 'c-old',
            occurredAt: occurredDaysAgo(120),
            merchant: 'Old Shop',
            amountCents: 9_999,
          }),
        ),
      ]);
      let s = await store.summarize(cpf, NOW);
      expect(s.lastCardPurchase).toMatchObject({ merchant: 'Old Shop', amountCents: 9_999 });
      expect(s.cardPurchases90d).toEqual({ count: 0, approvedCount: 0, declinedCount: 0, approvedAmountCents: 0 });

      await store.append([
        anEvent(
          aCardPurchaseInput({ eventId: 'c1', occurredAt: occurredDaysAgo(10), amountCents: 1_000, approved: true }),
        ),
        anEvent(
          aCardPurchaseInput({ eventId: 'c2', occurredAt: occurredDaysAgo(5), amountCents: 2_000, approved: false }),
        ),
        anEvent(
          aCardPurchaseInput({
            eventId: 'c3',
            occurredAt: occurredDaysAgo(1),
            amountCents: 3_000,
            approved: true,
            merchant: 'Newest',
            mcc: '5912',
            installments: 3,
          }),
        ),
      ]);
      s = await store.summarize(cpf, NOW);
      expect(s.cardPurchases90d).toEqual({ count: 3, approvedCount: 2, declinedCount: 1, approvedAmountCents: 4_000 });
      expect(s.lastCardPurchase).toEqual({
        merchant: 'Newest',
        mcc: '5912',
        amountCents: 3_000,
        installments: 3,
        approved: true,
        occurredAt: new Date(occurredDaysAgo(1)),
      });
    });

    it('ignores events later than now, which the one-day skew tolerance lets in', async () => {
      const store = new InMemoryTransactionStore();
      const ahead = new Date(NOW.getTime() + 12 * 3_600_000).toISOString();
      await store.append([
        anEvent(anInquiryInput({ eventId: 'i-future', occurredAt: ahead, inquirer: 'Future Bank' })),
        anEvent(aMovementInput({ eventId: 'm-future', occurredAt: ahead })),
        anEvent(aCardPurchaseInput({ eventId: 'c-future', occurredAt: ahead, merchant: 'Future Shop' })),
        anEvent(
          anInquiryInput({ eventId: 'i-past', occurredAt: occurredDaysAgo(HOUR_IN_DAYS), inquirer: 'Past Bank' }),
        ),
      ]);
      const s = await store.summarize(cpf, NOW);
      expect(s.inquiriesLast6Months).toBe(1);
      expect(s.lastInquiry?.inquirer).toBe('Past Bank');
      expect(s.movements30d.count).toBe(0);
      expect(s.lastCardPurchase).toBeNull();
      expect(s.cardPurchases90d.count).toBe(0);
    });

    it('summarises a CPF with no events as empty', async () => {
      const s = await new InMemoryTransactionStore().summarize(cpf, NOW);
      expect(s).toEqual({
        lastInquiry: null,
        inquiriesLast6Months: 0,
        lastCardPurchase: null,
        movements30d: { inflowCents: 0, outflowCents: 0, count: 0, byKind: {} },
        movements90d: { inflowCents: 0, outflowCents: 0, count: 0, byKind: {} },
        cardPurchases90d: { count: 0, approvedCount: 0, declinedCount: 0, approvedAmountCents: 0 },
      });
    });

    it('never mixes in the events of another CPF', async () => {
      const store = new InMemoryTransactionStore();
      await store.append([
        anEvent(anInquiryInput({ eventId: 'other', cpf: OTHER })),
        anEvent(aMovementInput({ eventId: 'other-m', cpf: OTHER })),
      ]);
      const s = await store.summarize(cpf, NOW);
      expect(s.inquiriesLast6Months).toBe(0);
      expect(s.movements90d.count).toBe(0);
      expect((await store.summarize(Cpf.parse(OTHER), NOW)).inquiriesLast6Months).toBe(1);
    });
  });

  describe('list and inquiriesSince', () => {
    it('lists newest first, breaking ties of time by event id', async () => {
      const store = new InMemoryTransactionStore();
      const same = occurredDaysAgo(2);
      await store.append([
        anEvent(anInquiryInput({ eventId: 'b', occurredAt: same })),
        anEvent(anInquiryInput({ eventId: 'old', occurredAt: occurredDaysAgo(9) })),
        anEvent(anInquiryInput({ eventId: 'a', occurredAt: same })),
        anEvent(anInquiryInput({ eventId: 'new', occurredAt: occurredDaysAgo(1) })),
      ]);
      const page = await store.list(cpf, { from: new Date(NOW.getTime() - 30 * DAY_MS), to: NOW, limit: 10 });
      expect(page.events.map((e) => e.eventId)).toEqual(['new', 'a', 'b', 'old']);
      expect(page.nextCursor).toBeNull();
    });

    it('answers inquiries since a date, newest first, up to the limit', async () => {
      const store = new InMemoryTransactionStore();
      await store.append([
        anEvent(anInquiryInput({ eventId: 'i1', occurredAt: occurredDaysAgo(1) })),
        anEvent(anInquiryInput({ eventId: 'i2', occurredAt: occurredDaysAgo(2) })),
        anEvent(anInquiryInput({ eventId: 'i3', occurredAt: occurredDaysAgo(3) })),
        anEvent(anInquiryInput({ eventId: 'i40', occurredAt: occurredDaysAgo(40) })),
        anEvent(aMovementInput({ eventId: 'm1', occurredAt: occurredDaysAgo(1) })),
      ]);
      const since = new Date(NOW.getTime() - 10 * DAY_MS);
      expect((await store.inquiriesSince(cpf, since, 10)).map((e) => e.eventId)).toEqual(['i1', 'i2', 'i3']);
      expect((await store.inquiriesSince(cpf, since, 2)).map((e) => e.eventId)).toEqual(['i1', 'i2']);
    });
  });
});
