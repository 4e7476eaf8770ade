import { InquiryRecorder, RescoreOnChangeHandler } from '@app/credit-application';
import { loadConfig } from '@app/platform';
import { Clock, Cpf, FixedClock } from '@app/shared-kernel';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/bootstrap';
import { client, keyFor } from './api-harness';

/** The bureau's rules as a client sees them through HTTP, on the embedded default with a clock the test moves. */
const CPF = `246813579${Cpf.checkDigits('246813579')}`;
const address = {
  street: 'Rua das Acácias',
  number: '45',
  complement: null,
  district: 'Centro',
  city: 'Recife',
  state: 'PE',
  postalCode: '50030-000',
};
const debt = (overrides: Record<string, unknown> = {}) => ({
  id: 'contract-1',
  creditor: 'Financeira Aurora',
  creditorCnpj: '11.222.333/0001-81',
  amountCents: 950_000,
  dueDate: '2025-03-10',
  status: 'OVERDUE',
  ...overrides,
});

async function startAt(instant: string): Promise<{ app: NestFastifyApplication; clock: FixedClock }> {
  const clock = new FixedClock(new Date(instant));
  // Each rule here is shown on its own; the notice period of new debts (CDC art. 43 §2) has its own suite.
  const app = await createApp(
    { ...loadConfig({}), demoConsumers: 0, noticePeriodDays: 0 },
    { logger: false, overrides: [{ provide: Clock, useValue: clock }] },
  );
  await app.getHttpAdapter().getInstance().ready();
  return { app, clock };
}

const moveTo = (clock: FixedClock, instant: string) =>
  clock.advance(new Date(instant).getTime() - clock.now().getTime());

describe('a negative record that stops being reportable (CDC art. 43 §1)', () => {
  let app: NestFastifyApplication;
  let clock: FixedClock;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    ({ app, clock } = await startAt('2030-03-08T15:00:00Z'));
    http = client(app, await keyFor(app, 'Banco Horizonte'));
    await http
      .put(`/v1/consumers/${CPF}`)
      .send({ name: 'Joana Prado', address, debts: [debt()] })
      .expect(201);
    // Re-scoring after a change is asynchronous and coalesced, in the embedded default as in the workers.
    await app.get(RescoreOnChangeHandler).drained();
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it(
    'is gone from the analysis and from the rating on 11 March 2030: the CPF is re-rated, not served the old' +
      ' score',
    async () => {
      const before = await http.get(`/v1/credit-analyses/${CPF}`).expect(200);
      expect(before.body.debts.items.map((d: { id: string }) => d.id)).toEqual(['contract-1']);
      expect(before.body.rating.reasonCodes.map((r: { code: string }) => r.code)).toContain('DAYS_OVERDUE');

      moveTo(clock, '2030-03-11T03:00:00Z');
      const after = await http.get(`/v1/credit-analyses/${CPF}`).expect(200);
      expect(after.headers['x-cache']).toBe('MISS');
      expect(after.body.debts.items).toEqual([]);
      expect(after.body.rating.generatedAt).toBe('2030-03-11T03:00:00.000Z');
      expect(after.body.rating.score).not.toBe(before.body.rating.score);
      expect(after.body.rating.reasonCodes.map((r: { code: string }) => r.code)).not.toContain('DAYS_OVERDUE');

      const rating = await http.get(`/v1/consumers/${CPF}/rating`).expect(200);
      expect(rating.body.current.score).toBe(after.body.rating.score);
      expect(rating.body.history.map((r: { score: number }) => r.score)).not.toContain(before.body.rating.score);
    },
  );
});

describe('one calendar: Brasília days, and YYYY-MM-DD for every date-only field', () => {
  let app: NestFastifyApplication;
  let clock: FixedClock;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    ({ app, clock } = await startAt('2025-03-10T00:30:00Z'));
    http = client(app, await keyFor(app, 'Banco Calendario'));
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it('refuses a due date given as a timestamp with 400, naming the field, and stores nothing', async () => {
    const res = await http
      .put(`/v1/consumers/${CPF}`)
      .send({
        name: 'Joana Prado',
        address,
        debts: [debt({ dueDate: '2026-03-10T22:00:00-03:00' })],
      })
      .expect(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'debts[0].dueDate',
      reason: expect.stringContaining('without a time or zone'),
    });
    await http.get(`/v1/consumers/${CPF}`).expect(404);
  });

  it('refuses a birth date given as a timestamp with 400, naming the field', async () => {
    const res = await http
      .put(`/v1/consumers/${CPF}/rating-features`)
      .send({
        birthDate: '1988-07-14T21:30:00-03:00',
        address,
        assets: [],
        incomeSources: [],
      })
      .expect(400);
    expect(res.body).toMatchObject({ field: 'birthDate', reason: expect.stringContaining('without a time or zone') });
  });

  it(
    'does not count a debt as overdue at 21:30 BRT the evening before its due day, nor during the due' + ' day',
    async () => {
      await http
        .put(`/v1/consumers/${CPF}`)
        .send({
          name: 'Joana Prado',
          address,
          debts: [debt({ status: 'OPEN', dueDate: '2025-03-10' })],
        })
        .expect(201);
      const eve = await http.get(`/v1/consumers/${CPF}`).expect(200);
      expect(eve.body.debts[0]).toMatchObject({ dueDate: '2025-03-10', daysOverdue: 0 });
      moveTo(clock, '2025-03-11T02:59:00Z');
      expect((await http.get(`/v1/consumers/${CPF}`).expect(200)).body.debts[0].daysOverdue).toBe(0);
      moveTo(clock, '2025-03-11T03:00:00Z');
      expect((await http.get(`/v1/consumers/${CPF}`).expect(200)).body.debts[0].daysOverdue).toBe(1);
    },
  );

  it('stores and returns a birth date as the day that was sent', async () => {
    await http
      .put(`/v1/consumers/${CPF}/rating-features`)
      .send({
        birthDate: '1988-07-14',
        address,
        assets: [],
        incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 500_000, since: '2020-02-29' }],
      })
      .expect(201);
    const exported = await client(app, await keyFor(app, 'Titular'), 'DATA_SUBJECT_REQUEST')
      .get(`/v1/subjects/${CPF}/export`)
      .expect(200);
    expect(exported.body.ratingFeatures).toMatchObject({
      birthDate: '1988-07-14',
      incomeSources: [{ since: '2020-02-29' }],
    });
  });
});

describe('self-consultation is free (Lei 12.414 art. 5 II, LGPD art. 18)', () => {
  let app: NestFastifyApplication;
  let bank: ReturnType<typeof client>;
  let subject: ReturnType<typeof client>;

  beforeAll(async () => {
    ({ app } = await startAt('2025-06-15T12:00:00Z'));
    bank = client(app, await keyFor(app, 'Banco Horizonte'));
    subject = client(app, await keyFor(app, 'Portal do Titular'), 'DATA_SUBJECT_REQUEST');
    await bank.put(`/v1/consumers/${CPF}`).send({ name: 'Joana Prado', address, debts: [] }).expect(201);
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it('shows the subject every read of their own, and counts none of them as an inquiry', async () => {
    const rescore = async () => {
      await app.get(InquiryRecorder).flush();
      await bank.put(`/v1/consumers/${CPF}`).send({ name: 'Joana Prado', address, debts: [] }).expect(200);
      await app.get(RescoreOnChangeHandler).drained();
    };
    await bank.get(`/v1/credit-analyses/${CPF}`).expect(200);
    await rescore();
    const first = await subject.get(`/v1/credit-analyses/${CPF}`).expect(200);
    expect(first.body.transactions.inquiriesLast6Months).toBe(1);
    for (let i = 0; i < 3; i++) await subject.get(`/v1/credit-analyses/${CPF}`).expect(200);
    await rescore();
    const after = await subject.get(`/v1/credit-analyses/${CPF}`).expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.body.transactions.inquiriesLast6Months).toBe(1);
    expect(after.body.rating.score).toBe(first.body.rating.score);
    await app.get(InquiryRecorder).flush();
    const consultations = await subject.get(`/v1/subjects/${CPF}/consultations`).expect(200);
    expect(
      consultations.body.inquiries.filter((i: { purpose: string }) => i.purpose === 'DATA_SUBJECT_REQUEST'),
    ).toHaveLength(5);
  });
});

describe('events: per-client idempotency, and what a batch may not contain', () => {
  let app: NestFastifyApplication;
  let bankA: ReturnType<typeof client>;
  let bankB: ReturnType<typeof client>;
  const movement = (eventId: string, amountCents: number, overrides: Record<string, unknown> = {}) => ({
    eventId,
    cpf: CPF,
    type: 'FINANCIAL_MOVEMENT',
    occurredAt: '2025-06-14T10:00:00-03:00',
    kind: 'SALARY',
    amountCents,
    ...overrides,
  });

  beforeAll(async () => {
    ({ app } = await startAt('2025-06-15T12:00:00Z'));
    bankA = client(app, await keyFor(app, 'Banco A'));
    bankB = client(app, await keyFor(app, 'Banco B'));
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it(
    "stores a second client's event with the same eventId, and reports a client's own re-send as a duplicate per" +
      ' item',
    async () => {
      const send = async (bank: typeof bankA, events: object[]) =>
        (await bank.post('/v1/transactions').send({ events }).expect(202)).body;
      expect(await send(bankA, [movement('salary-2025-06', 500_000)])).toMatchObject({
        accepted: 1,
        duplicates: 0,
        items: [{ index: 0, eventId: 'salary-2025-06', status: 'ACCEPTED' }],
      });
      expect(await send(bankB, [movement('salary-2025-06', 700_000)])).toMatchObject({
        accepted: 1,
        duplicates: 0,
        items: [{ status: 'ACCEPTED' }],
      });
      const again = await bankA
        .post('/v1/transactions')
        .send({
          events: [movement('salary-2025-06', 500_000), movement('salary-2025-07', 510_000)],
        })
        .expect(202);
      expect(again.body).toMatchObject({
        accepted: 1,
        duplicates: 1,
        items: [
          { index: 0, eventId: 'salary-2025-06', status: 'DUPLICATE' },
          { index: 1, eventId: 'salary-2025-07', status: 'ACCEPTED' },
        ],
      });
      const trail = await bankA.get(`/v1/consumers/${CPF}/transactions?types=FINANCIAL_MOVEMENT`).expect(200);
      expect(trail.body.events.map((e: { amountCents: number }) => e.amountCents).sort()).toEqual([
        500_000, 510_000, 700_000,
      ]);
    },
  );

  it.each([
    ['an unknown field such as currency', movement('usd', 500_000, { currency: 'USD' }), 'events[0].currency'],
    ['a SALARY of -850,000 cents', movement('neg-salary', -850_000), 'events[0].amountCents'],
    [
      'a WITHDRAWAL of +50,000 cents',
      movement('pos-withdrawal', 50_000, { kind: 'WITHDRAWAL' }),
      'events[0].amountCents',
    ],
    [
      'a movement dated in year 0001',
      movement('old', 1_000, { occurredAt: '0001-01-01T00:00:00Z' }),
      'events[0].occurredAt',
    ],
    [
      'a R$ 90-trillion card purchase',
      {
        eventId: 'huge',
        cpf: CPF,
        type: 'CARD_PURCHASE',
        occurredAt: '2025-06-14T10:00:00Z',
        merchant: 'Loja',
        mcc: '5411',
        amountCents: 9_000_000_000_000_000,
        approved: true,
        cardLast4: '4242',
      },
      'events[0].amountCents',
    ],
    [
      'MCC 0000',
      {
        eventId: 'mcc',
        cpf: CPF,
        type: 'CARD_PURCHASE',
        occurredAt: '2025-06-14T10:00:00Z',
        merchant: 'Loja',
        mcc: '0000',
        amountCents: 1_000,
        approved: true,
        cardLast4: '4242',
      },
      'events[0].mcc',
    ],
  ])('refuses %s with 400 BATCH_INVALID naming the field, storing nothing', async (_label, event, field) => {
    const res = await bankA
      .post('/v1/transactions')
      .send({ events: [event] })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'BATCH_INVALID', field });
  });

  it('refuses a debt of MAX_SAFE_INTEGER cents, whose sums would no longer be exact', async () => {
    const res = await bankA
      .put(`/v1/consumers/${CPF}`)
      .send({
        name: 'Joana Prado',
        address,
        debts: [
          debt({ amountCents: Number.MAX_SAFE_INTEGER }),
          debt({ id: 'contract-2', amountCents: Number.MAX_SAFE_INTEGER }),
        ],
      })
      .expect(400);
    expect(res.body).toMatchObject({ field: 'debts[0].amountCents' });
  });
});

describe('corrections (CDC art. 43 §3, LGPD art. 18 III and §6)', () => {
  let app: NestFastifyApplication;
  let bank: ReturnType<typeof client>;
  let operator: ReturnType<typeof client>;
  let subject: ReturnType<typeof client>;

  beforeAll(async () => {
    ({ app } = await startAt('2025-06-15T12:00:00Z'));
    bank = client(app, await keyFor(app, 'Banco Horizonte'));
    operator = client(app, await keyFor(app, 'Ouvidoria'));
    subject = client(app, await keyFor(app, 'Portal do Titular'), 'DATA_SUBJECT_REQUEST');
    await operator
      .put(`/v1/consumers/${CPF}`)
      .send({
        name: 'Joana Prdo',
        address,
        debts: [debt(), debt({ id: 'not-mine', amountCents: 40_000 })],
      })
      .expect(201);
    await bank.get(`/v1/credit-analyses/${CPF}`).expect(200);
    await subject.get(`/v1/credit-analyses/${CPF}`).expect(200);
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['a number as a name', { field: 'name', value: 12345 }],
    ['a name where an address is due', { field: 'address', value: 'Rua X' }],
    ['an address missing its city', { field: 'address', value: { ...address, city: undefined } }],
    ['a debt id on a name correction', { field: 'name', value: 'Joana Prado', debtId: 'contract-1' }],
    ['a debt correction without a debt id', { field: 'debt', value: { status: 'PAID' } }],
    [
      'a debt due date given as a timestamp',
      { field: 'debt', debtId: 'contract-1', value: { dueDate: '2025-03-10T22:00:00-03:00' } },
    ],
  ])('refuses %s with 400, naming the field', async (_label, body) => {
    const res = await operator
      .patch(`/v1/subjects/${CPF}/corrections`)
      .send({ ...body, reason: 'test' })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field: expect.stringMatching(/^(value|debtId)/) });
    expect((await subject.get(`/v1/consumers/${CPF}`).expect(200)).body.name).toBe('Joana Prdo');
  });

  it(
    'corrects the name, names the client that received the wrong one, and keeps reason, before and after in the' +
      ' audit',
    async () => {
      const res = await operator
        .patch(`/v1/subjects/${CPF}/corrections`)
        .send({
          field: 'name',
          value: 'Joana Prado',
          reason: 'erro de digitação no cadastro',
        })
        .expect(200);
      expect(res.body).toEqual({
        field: 'name',
        changed: true,
        correctionId: expect.stringMatching(/^corr-/),
        recipients: ['Banco Horizonte'],
      });
      const exported = await subject.get(`/v1/subjects/${CPF}/export`).expect(200);
      const entry = exported.body.accesses.find(
        (a: { action: string; resource: string; detail?: object }) =>
          a.action === 'WRITE' && a.resource === 'CONSUMER' && a.detail,
      );
      expect(entry).toMatchObject({
        client: 'Ouvidoria',
        detail: {
          kind: 'CORRECTION',
          field: 'name',
          reason: 'erro de digitação no cadastro',
          before: 'Joana Prdo',
          after: 'Joana Prado',
          notified: ['Banco Horizonte'],
        },
      });
    },
  );

  it("corrects a debt field by field and cancels one that was never the subject's", async () => {
    await operator
      .patch(`/v1/subjects/${CPF}/corrections`)
      .send({
        field: 'debt',
        debtId: 'contract-1',
        value: { amountCents: 475_000 },
        reason: 'metade foi paga',
      })
      .expect(200);
    await operator
      .patch(`/v1/subjects/${CPF}/corrections`)
      .send({
        field: 'debt',
        debtId: 'not-mine',
        value: null,
        reason: 'contrato fraudado',
      })
      .expect(200);
    const view = await operator.get(`/v1/consumers/${CPF}`).expect(200);
    expect(view.body.debts.map((d: { id: string; amountCents: number }) => [d.id, d.amountCents])).toEqual([
      ['contract-1', 475_000],
    ]);
    expect(
      (
        await operator
          .patch(`/v1/subjects/${CPF}/corrections`)
          .send({
            field: 'debt',
            debtId: 'gone',
            value: null,
            reason: 'x',
          })
          .expect(404)
      ).body.code,
    ).toBe('DEBT_NOT_FOUND');
  });
});

describe('consultations and export are complete, with the verified consulter', () => {
  let app: NestFastifyApplication;
  let subject: ReturnType<typeof client>;

  beforeAll(async () => {
    ({ app } = await startAt('2025-06-15T12:00:00Z'));
    const bank = client(app, await keyFor(app, 'Banco Horizonte'));
    subject = client(app, await keyFor(app, 'Portal do Titular'), 'DATA_SUBJECT_REQUEST');
    await bank.put(`/v1/consumers/${CPF}`).send({ name: 'Joana Prado', address, debts: [] }).expect(201);
    for (let i = 0; i < 7; i++) {
      await bank.get(`/v1/credit-analyses/${CPF}`).expect(200);
      // Engine and client writes between the reads: they must not crowd the reads out of the subject's view.
      await bank.put(`/v1/consumers/${CPF}`).send({ name: 'Joana Prado', address, debts: [] }).expect(200);
    }
    await app.get(InquiryRecorder).flush();
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  it('pages consultations to the end with one cursor, every read by the API client that made it', async () => {
    const accesses: { client: string; resource: string }[] = [];
    const inquiries: { inquirer: string; source: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        body: { accesses: typeof accesses; inquiries: typeof inquiries; nextCursor: string | null };
      } = await subject
        .get(`/v1/subjects/${CPF}/consultations?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      accesses.push(...page.body.accesses);
      inquiries.push(...page.body.inquiries);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(accesses.filter((a) => a.resource === 'ANALYSIS' && a.client === 'Banco Horizonte')).toHaveLength(7);
    expect(inquiries.filter((i) => i.inquirer === 'Banco Horizonte' && i.source === 'bureau')).toHaveLength(7);
  });

  it('refuses a cursor it did not issue with 400 CURSOR_INVALID', async () => {
    expect((await subject.get(`/v1/subjects/${CPF}/consultations?cursor=garbage`).expect(400)).body).toMatchObject({
      code: 'CURSOR_INVALID',
      field: 'cursor',
    });
  });
});
