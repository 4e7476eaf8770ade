import { TransactionEvent, scoringActivityOf } from '@app/credit-domain';
import { TransactionStore } from '@app/credit-application';
import { Cpf, DAY_MS, Money } from '@app/shared-kernel';
import { uniqueCpf } from './unique-cpf';

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY_MS - extraMs);

const SOURCE = 'api:Contract Bank';

function inquiry(cpf: Cpf, id: string, at: Date, inquirer = 'Banco A', purpose = 'CREDIT_GRANTING'): TransactionEvent {
  return { type: 'BUREAU_INQUIRY', eventId: id, cpf, occurredAt: at, source: SOURCE, inquirer, purpose };
}
type Kind = 'SALARY' | 'BILL_PAYMENT';
type Event = TransactionEvent;
const signed = (cents: number): Kind => (cents > 0 ? 'SALARY' : 'BILL_PAYMENT');
function movement(cpf: Cpf, id: string, at: Date, cents: number, kind = signed(cents), source = SOURCE): Event {
  return { type: 'FINANCIAL_MOVEMENT', eventId: id, cpf, occurredAt: at, source, kind, amount: Money.ofCents(cents) };
}
function purchase(cpf: Cpf, id: string, at: Date, cents: number, approved = true): TransactionEvent {
  return {
    type: 'CARD_PURCHASE',
    eventId: id,
    cpf,
    occurredAt: at,
    source: SOURCE,
    merchant: `Loja ${id}`,
    mcc: '5411',
    amount: Money.ofCents(cents),
    installments: 2,
    approved,
    cardLast4: '4242',
  };
}

/**
 * What every TransactionStore must do, whatever holds the events: run against the embedded and the real adapter alike.
 */
export function transactionStoreContract(
  make: () => Promise<TransactionStore> | TransactionStore,
  afterWrite: () => Promise<void> = async () => undefined,
): void {
  let store: TransactionStore;
  beforeAll(async () => {
    store = await make();
  });

  it('stores new events once and reports re-sent ones as duplicates, also within one batch', async () => {
    const cpf = uniqueCpf();
    const p = `t1-${cpf.value}`;
    const events = [movement(cpf, `${p}-a`, ago(1), 1000), movement(cpf, `${p}-b`, ago(2), -500)];
    expect(await store.append(events)).toEqual({ stored: 2, duplicates: 0, outcomes: ['STORED', 'STORED'] });
    const again = [...events, movement(cpf, `${p}-c`, ago(3), 700), movement(cpf, `${p}-c`, ago(3), 700)];
    expect(await store.append(again)).toEqual({
      stored: 1,
      duplicates: 3,
      outcomes: ['DUPLICATE', 'DUPLICATE', 'STORED', 'DUPLICATE'],
    });
    await afterWrite();
    const page = await store.list(cpf, { from: ago(10), to: NOW, limit: 50 });
    expect(page.events.map((e) => e.eventId).sort()).toEqual([`${p}-a`, `${p}-b`, `${p}-c`]);
  });

  it('summarises a CPF: last inquiry, inquiries in six months, movement windows, card purchases; ignores other CPFs and the future', async () => {
    const cpf = uniqueCpf();
    const other = uniqueCpf();
    const p = `t2-${cpf.value}`;
    await store.append([
      inquiry(cpf, `${p}-i1`, ago(10), 'Banco Recente'),
      inquiry(cpf, `${p}-i2`, ago(100)),
      inquiry(cpf, `${p}-i3`, ago(200)),
      movement(cpf, `${p}-m1`, ago(5), 100_000),
      movement(cpf, `${p}-m2`, ago(20), -30_000),
      movement(cpf, `${p}-m3`, ago(60), -20_000),
      movement(cpf, `${p}-m4`, ago(120), 999_999),
      purchase(cpf, `${p}-c1`, ago(2), 5_000),
      purchase(cpf, `${p}-c2`, ago(40), 7_000, false),
      purchase(cpf, `${p}-c3`, ago(95), 9_000),
      movement(cpf, `${p}-future`, new Date(NOW.getTime() + DAY_MS), 1),
      inquiry(other, `${p}-other`, ago(1)),
    ]);
    await afterWrite();
    const s = await store.summarize(cpf, NOW);
    expect(s.lastInquiry).toEqual({ inquirer: 'Banco Recente', purpose: 'CREDIT_GRANTING', occurredAt: ago(10) });
    expect(s.inquiriesLast6Months).toBe(2);
    expect(s.movements30d).toMatchObject({ inflowCents: 100_000, outflowCents: 30_000, count: 2 });
    expect(s.movements30d.byKind).toEqual({ SALARY: 100_000, BILL_PAYMENT: -30_000 });
    expect(s.movements90d).toMatchObject({ inflowCents: 100_000, outflowCents: 50_000, count: 3 });
    expect(s.lastCardPurchase).toMatchObject({
      merchant: `Loja ${p}-c1`,
      amountCents: 5_000,
      installments: 2,
      approved: true,
      occurredAt: ago(2),
    });
    expect(s.cardPurchases90d).toEqual({ count: 2, approvedCount: 1, declinedCount: 1, approvedAmountCents: 5_000 });
  });

  it('summarises events on a window boundary as inside it, a zero amount as inflow, and ties newest by event id', async () => {
    const cpf = uniqueCpf();
    const p = `tb-${cpf.value}`;
    // Six months back from 25 November 2026 starts at 00:00 in Brasília on 25 May, 03:00 UTC.
    const sixMonthsBefore = new Date('2026-05-25T03:00:00Z');
    await store.append([
      movement(cpf, `${p}-m30`, ago(30), 0, 'SALARY'),
      movement(cpf, `${p}-m30out`, ago(30, 1), -1_000),
      movement(cpf, `${p}-m90`, ago(90), -2_500),
      inquiry(cpf, `${p}-i6m`, sixMonthsBefore),
      inquiry(cpf, `${p}-i6m-out`, new Date(sixMonthsBefore.getTime() - 1)),
      inquiry(cpf, `${p}-b`, ago(3), 'Banco B'),
      inquiry(cpf, `${p}-a`, ago(3), 'Banco A'),
      purchase(cpf, `${p}-c90`, ago(90), 4_000, false),
      purchase(cpf, `${p}-c90ok`, ago(90), 6_000),
      purchase(cpf, `${p}-c91`, ago(90, 1), 8_000),
    ]);
    await afterWrite();
    const s = await store.summarize(cpf, NOW);
    expect(s.movements30d).toEqual({ inflowCents: 0, outflowCents: 0, count: 1, byKind: { SALARY: 0 } });
    expect(s.movements90d).toEqual({
      inflowCents: 0,
      outflowCents: 3_500,
      count: 3,
      byKind: { SALARY: 0, BILL_PAYMENT: -3_500 },
    });
    expect(s.inquiriesLast6Months).toBe(3);
    // Same instant: the store's newest-first order breaks the tie by event id, ascending.
    expect(s.lastInquiry).toEqual({ inquirer: 'Banco A', purpose: 'CREDIT_GRANTING', occurredAt: ago(3) });
    expect(s.cardPurchases90d).toEqual({ count: 2, approvedCount: 1, declinedCount: 1, approvedAmountCents: 6_000 });
    expect(s.lastCardPurchase).toMatchObject({ merchant: `Loja ${p}-c90`, approved: false });
  });

  it('counts and sums what scoring reads of several CPFs at once, exactly as their summaries say, edges included', async () => {
    const [a, b, unknown] = [uniqueCpf(), uniqueCpf(), uniqueCpf()];
    await store.append([
      inquiry(a, `sm-${a.value}-i`, ago(10), 'Banco A'),
      inquiry(a, `sm-${a.value}-i6`, ago(182), 'Banco A'),
      inquiry(a, `sm-${a.value}-i7`, ago(184), 'Banco A'),
      movement(a, `sm-${a.value}-m`, ago(5), -12_000),
      movement(a, `sm-${a.value}-m90`, ago(90), 7_000),
      movement(a, `sm-${a.value}-m91`, ago(91), 9_000),
      purchase(a, `sm-${a.value}-c`, ago(40), 3_000, false),
      movement(b, `sm-${b.value}-m`, ago(100), 50_000),
      purchase(b, `sm-${b.value}-c`, ago(1), 8_000),
      purchase(b, `sm-${b.value}-c90`, ago(90), 2_000),
    ]);
    await afterWrite();
    const many = await store.scoringActivityMany([a, b, unknown, a], NOW);
    expect([...many.keys()].sort()).toEqual([a.value, b.value, unknown.value].sort());
    for (const cpf of [a, b, unknown])
      expect(many.get(cpf.value)).toEqual(scoringActivityOf(await store.summarize(cpf, NOW)));
    expect(many.get(b.value)?.cardApproved90dCents).toBe(10_000); // 90 days ago to the millisecond is inside
    expect(many.get(unknown.value)).toEqual({
      inquiriesLast6Months: 0,
      inflow90dCents: 0,
      outflow90dCents: 0,
      cardPurchases90d: 0,
      cardDeclined90d: 0,
      cardApproved90dCents: 0,
    });
    expect(await store.scoringActivityMany([], NOW)).toEqual(new Map());
  });

  it('summarises an unknown CPF as empty', async () => {
    const s = await store.summarize(uniqueCpf(), NOW);
    expect(s).toMatchObject({
      lastInquiry: null,
      inquiriesLast6Months: 0,
      lastCardPurchase: null,
      movements90d: { count: 0, inflowCents: 0, outflowCents: 0 },
    });
  });

  it('lists a window newest first, filters by type, and pages by cursor without loss or repetition', async () => {
    const cpf = uniqueCpf();
    const p = `t3-${cpf.value}`;
    const events: TransactionEvent[] = [];
    for (let i = 0; i < 25; i++)
      events.push(
        i % 5 === 0
          ? inquiry(cpf, `${p}-${String(i).padStart(2, '0')}`, ago(i % 12))
          : movement(cpf, `${p}-${String(i).padStart(2, '0')}`, ago(i % 12), 100 + i),
      );
    events.push(movement(cpf, `${p}-old`, ago(400), 1));
    await store.append(events);
    await afterWrite();
    const seen: string[] = [];
    let cursor: string | undefined;
    let previous = Infinity;
    do {
      const page = await store.list(cpf, { from: ago(30), to: NOW, limit: 4, cursor });
      expect(page.events.length).toBeLessThanOrEqual(4);
      for (const e of page.events) {
        expect(e.occurredAt.getTime()).toBeLessThanOrEqual(previous);
        previous = e.occurredAt.getTime();
        seen.push(e.eventId);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const onlyInquiries = await store.list(cpf, { from: ago(30), to: NOW, limit: 100, types: ['BUREAU_INQUIRY'] });
    expect(onlyInquiries.events).toHaveLength(5);
    expect(onlyInquiries.events.every((e) => e.type === 'BUREAU_INQUIRY')).toBe(true);
  });

  it('round-trips every field of every event type', async () => {
    const cpf = uniqueCpf();
    const p = `t4-${cpf.value}`;
    const original = [
      inquiry(cpf, `${p}-i`, ago(1, 1000)),
      movement(cpf, `${p}-m`, ago(1, 2000), -4321),
      purchase(cpf, `${p}-c`, ago(1, 3000), 1234, false),
    ];
    await store.append(original);
    await afterWrite();
    const { events } = await store.list(cpf, { from: ago(2), to: NOW, limit: 10 });
    expect(events).toEqual(original);
  });

  it('returns inquiries since a date, newest first, up to a limit', async () => {
    const cpf = uniqueCpf();
    const p = `t5-${cpf.value}`;
    await store.append([
      inquiry(cpf, `${p}-1`, ago(1)),
      inquiry(cpf, `${p}-2`, ago(2)),
      inquiry(cpf, `${p}-3`, ago(3)),
      inquiry(cpf, `${p}-old`, ago(300)),
      movement(cpf, `${p}-m`, ago(1), 5),
    ]);
    await afterWrite();
    expect((await store.inquiriesSince(cpf, ago(30), 10)).map((i) => i.eventId)).toEqual([
      `${p}-1`,
      `${p}-2`,
      `${p}-3`,
    ]);
    expect(await store.inquiriesSince(cpf, ago(30), 2)).toHaveLength(2);
  });

  it(
    'keeps the same event id from two sources as two events, and re-sent ones as duplicates of their own source' +
      ' only',
    async () => {
      const cpf = uniqueCpf();
      const id = `shared-${cpf.value}`;
      const fromA = movement(cpf, id, ago(1), 1_000, 'SALARY', 'api:Banco A');
      const fromB = movement(cpf, id, ago(2), -2_000, 'BILL_PAYMENT', 'amqp:banco-b');
      expect(await store.append([fromA])).toMatchObject({ stored: 1, duplicates: 0 });
      expect(await store.findStored([fromB, fromA])).toEqual([false, true]);
      expect(await store.append([fromB, fromA])).toEqual({
        stored: 1,
        duplicates: 1,
        outcomes: ['STORED', 'DUPLICATE'],
      });
      await afterWrite();
      const { events } = await store.list(cpf, { from: ago(10), to: NOW, limit: 10 });
      expect(events.map((e) => [e.eventId, e.source])).toEqual([
        [id, 'api:Banco A'],
        [id, 'amqp:banco-b'],
      ]);
      expect(await store.findStored([fromB])).toEqual([true]);
    },
  );

  it('summarises only inquiries made for a credit decision, keeping every inquiry in the trail', async () => {
    const cpf = uniqueCpf();
    const p = `tp-${cpf.value}`;
    await store.append([
      inquiry(cpf, `${p}-grant`, ago(20), 'Banco A', 'CREDIT_GRANTING'),
      inquiry(cpf, `${p}-review`, ago(30), 'Banco B', 'CREDIT_REVIEW'),
      inquiry(cpf, `${p}-rental`, ago(40), 'Imobiliária', 'RENTAL_GUARANTEE'),
      ...['DATA_SUBJECT_REQUEST', 'COLLECTION', 'FRAUD_PREVENTION', 'REGULATORY_AUDIT', 'free text'].map((purpose, i) =>
        inquiry(cpf, `${p}-other-${i}`, ago(1 + i), 'Outro', purpose),
      ),
    ]);
    await afterWrite();
    const summary = await store.summarize(cpf, NOW);
    expect(summary.inquiriesLast6Months).toBe(3);
    expect(summary.lastInquiry).toEqual({ inquirer: 'Banco A', purpose: 'CREDIT_GRANTING', occurredAt: ago(20) });
    expect((await store.scoringActivityMany([cpf], NOW)).get(cpf.value)).toEqual(scoringActivityOf(summary));
    expect(await store.inquiriesSince(cpf, ago(100), 20)).toHaveLength(8);
  });
}
