import { Cpf, DAY_MS, FixedClock } from '@app/shared-kernel';
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
import { TransactionEvent } from '@app/credit-domain';
import { InMemoryTransactionStore } from '@app/adapters/embedded';
import { DEFAULT_WINDOW_DAYS, GetTransactionsHandler, MAX_WINDOW_DAYS } from './get-transactions.handler';
import { GetTransactionsQuery } from './get-transactions.query';

const OTHER_CPF = cpfFromBase(987_654_321);
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY_MS);

describe('GetTransactionsHandler', () => {
  let store: InMemoryTransactionStore;
  let handler: GetTransactionsHandler;

  beforeEach(async () => {
    store = new InMemoryTransactionStore();
    handler = new GetTransactionsHandler(store, new FixedClock(NOW));
    const events: TransactionEvent[] = [
      anEvent(anInquiryInput({ eventId: 'inq-5', occurredAt: occurredDaysAgo(5) })),
      anEvent(aMovementInput({ eventId: 'mov-20', occurredAt: occurredDaysAgo(20) })),
      anEvent(aCardPurchaseInput({ eventId: 'card-30', occurredAt: occurredDaysAgo(30) })),
      anEvent(aCardPurchaseInput({ eventId: 'card-89', occurredAt: occurredDaysAgo(89) })),
      anEvent(aMovementInput({ eventId: 'mov-95', occurredAt: occurredDaysAgo(95) })),
      anEvent(anInquiryInput({ eventId: 'inq-400', occurredAt: occurredDaysAgo(400) })),
      anEvent(anInquiryInput({ eventId: 'other-cpf', cpf: OTHER_CPF, occurredAt: occurredDaysAgo(5) })),
    ];
    await store.append(events);
  });

  const query = (
    over: Partial<{
      cpf: string;
      from: Date | null;
      to: Date | null;
      types: GetTransactionsQuery['types'];
      limit: number;
      cursor: string | null;
    }> = {},
  ) =>
    new GetTransactionsQuery(
      over.cpf ?? VALID_CPF,
      over.from ?? null,
      over.to ?? null,
      over.types ?? null,
      over.limit ?? 100,
      over.cursor ?? null,
    );

  it(`lists the last ${DEFAULT_WINDOW_DAYS} days by default, newest first, as JSON events of that CPF only`, async () => {
    const page = await handler.execute(query());
    expect(page.events.map((e) => e.eventId)).toEqual(['inq-5', 'mov-20', 'card-30', 'card-89']);
    expect(page).toMatchObject({
      cpf: '123.456.789-09',
      from: daysAgo(90).toISOString(),
      to: NOW.toISOString(),
      nextCursor: null,
    });
    expect(page.events[0]).toMatchObject({ cpf: VALID_CPF, type: 'BUREAU_INQUIRY', occurredAt: occurredDaysAgo(5) });
  });

  it('lists an explicit window, both ends inclusive', async () => {
    const page = await handler.execute(query({ from: daysAgo(30), to: daysAgo(5) }));
    expect(page.events.map((e) => e.eventId)).toEqual(['inq-5', 'mov-20', 'card-30']);
  });

  it('counts a default window back from an explicit "to"', async () => {
    const page = await handler.execute(query({ to: daysAgo(30) }));
    expect(page.from).toBe(daysAgo(120).toISOString());
    expect(page.events.map((e) => e.eventId)).toEqual(['card-30', 'card-89', 'mov-95']);
  });

  it('keeps only the requested types', async () => {
    const page = await handler.execute(query({ from: daysAgo(1000), types: ['CARD_PURCHASE'] }));
    expect(page.events.map((e) => e.eventId)).toEqual(['card-30', 'card-89']);
    const two = await handler.execute(query({ from: daysAgo(1000), types: ['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT'] }));
    expect(two.events.map((e) => e.eventId)).toEqual(['inq-5', 'mov-20', 'mov-95', 'inq-400']);
  });

  it('pages with the cursor so that every event comes exactly once, even events sharing a timestamp', async () => {
    const sameInstant = occurredDaysAgo(10);
    await store.append(
      Array.from({ length: 7 }, (_, i) =>
        anEvent(aMovementInput({ eventId: `tie-${i}`, occurredAt: sameInstant, amountCents: 100 + i })),
      ),
    );
    const expected = (await handler.execute(query({ from: daysAgo(1000) }))).events.map((e) => e.eventId);
    expect(expected).toHaveLength(13);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await handler.execute(query({ from: daysAgo(1000), limit: 3, cursor }));
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((e) => e.eventId as string));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);

    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(5);
  });

  it('gives no cursor when the last page is exactly full', async () => {
    const page = await handler.execute(query({ limit: 4 }));
    expect(page.events).toHaveLength(4);
    expect(page.nextCursor).toBeNull();
  });

  it('accepts a window of five calendar years', async () => {
    const page = await handler.execute(query({ from: new Date('2020-06-15T12:00:00Z') }));
    expect(page.events.map((e) => e.eventId)).toContain('inq-400');
  });

  it(`rejects a window longer than ${MAX_WINDOW_DAYS} days with WINDOW_INVALID on "from"`, async () => {
    await expect(handler.execute(query({ from: daysAgo(MAX_WINDOW_DAYS + 1) }))).rejects.toMatchObject({
      code: 'WINDOW_INVALID',
      field: 'from',
    });
    await expect(
      handler.execute(query({ from: new Date(NOW.getTime() - MAX_WINDOW_DAYS * DAY_MS - 1) })),
    ).rejects.toMatchObject({ code: 'WINDOW_INVALID' });
    await expect(handler.execute(query({ from: daysAgo(MAX_WINDOW_DAYS) }))).resolves.toBeDefined();
  });

  it('rejects "from" after "to" with WINDOW_INVALID', async () => {
    await expect(handler.execute(query({ from: daysAgo(1), to: daysAgo(2) }))).rejects.toMatchObject({
      code: 'WINDOW_INVALID',
      field: 'from',
    });
  });

  it('rejects a cursor it did not issue with CURSOR_INVALID', async () => {
    await expect(handler.execute(query({ cursor: 'bm90LWEtY3Vyc29y' }))).rejects.toMatchObject({
      code: 'CURSOR_INVALID',
      field: 'cursor',
    });
  });

  it('rejects an invalid CPF with CPF_INVALID', async () => {
    await expect(handler.execute(query({ cpf: '123.456.789-00' }))).rejects.toMatchObject({ code: 'CPF_INVALID' });
  });

  it('lists nothing for a CPF without events', async () => {
    const page = await handler.execute(query({ cpf: cpfFromBase(555_444_333) }));
    expect(page.events).toEqual([]);
    expect(Cpf.isValid(page.cpf)).toBe(true);
  });
});
