import { Cpf } from '@app/shared-kernel';
import { InquiryRecorder } from '@app/credit-application';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DEMO_CPF_FORMATTED, client, keyFor, startApi } from './api-harness';

/** A valid CPF that no demo consumer has: built from its own check digits, not guessed. */
const NEW_CPF = `987654321${Cpf.checkDigits('987654321')}`;
const OTHER_CPF = `111444777${Cpf.checkDigits('111444777')}`;
const CNPJ_CPF = `222333444${Cpf.checkDigits('222333444')}`;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

const address = {
  street: 'Avenida Paulista',
  number: '1578',
  complement: null,
  district: 'Bela Vista',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01310-200',
};
const consumerBody = (debts: object[] = []) => ({ name: 'Maria da Silva Santos', address, debts });
const debt = (id: string, dueDaysAgo: number, status = 'OVERDUE') => ({
  id,
  creditor: 'Banco Horizonte S.A.',
  creditorCnpj: '11.222.333/0001-81',
  amountCents: 125_000,
  dueDate: daysAgo(dueDaysAgo),
  status,
});

describe('REST API on the embedded default', () => {
  let app: NestFastifyApplication;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    // This suite is about the API's shapes; a new debt's notice period (CDC art. 43 §2) has its own, feeds.e2e-spec.
    app = await startApi({ noticePeriodDays: 0 });
    http = client(app, await keyFor(app, 'e2e-bank'));
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  describe('GET /v1/credit-analyses/{cpf}', () => {
    it('returns the analysis of a demo consumer, from the stores first and then from cache', async () => {
      const first = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      expect(first.headers['content-type']).toMatch(/application\/json/);
      expect(first.body.cpf).toBe(DEMO_CPF_FORMATTED);
      expect(first.body.rating.score).toBeGreaterThanOrEqual(0);
      expect(first.body.rating.score).toBeLessThanOrEqual(1000);
      expect(first.body.transactions).toHaveProperty('inquiriesLast6Months');
      const second = await http.get('/v1/credit-analyses/12345678909').expect(200);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.text).toBe(first.text);
    });

    it('records every analysis as a bureau inquiry naming the client and purpose', async () => {
      await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).set('X-Purpose', 'RENTAL_GUARANTEE').expect(200);
      await app.get(InquiryRecorder).flush();
      const res = await http.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/inquiries`).expect(200);
      expect(res.body.inquiries).toEqual(
        expect.arrayContaining([expect.objectContaining({ inquirer: 'e2e-bank', purpose: 'RENTAL_GUARANTEE' })]),
      );
    });

    it('rejects a CPF with wrong check digits with 400 CPF_INVALID naming the field', async () => {
      const res = await http.get('/v1/credit-analyses/123.456.789-00').expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'CPF_INVALID',
        field: 'cpf',
        reason: 'check digits do not match',
      });
    });

    it('rejects repeated-digit CPFs', async () => {
      expect((await http.get('/v1/credit-analyses/11111111111').expect(400)).body.code).toBe('CPF_INVALID');
    });

    it('answers 404 CONSUMER_NOT_FOUND for a valid CPF nobody registered, and records no inquiry for it', async () => {
      const res = await http.get(`/v1/credit-analyses/${OTHER_CPF}`).expect(404);
      expect(res.body.code).toBe('CONSUMER_NOT_FOUND');
      expect((await http.get(`/v1/consumers/${OTHER_CPF}/inquiries`).expect(200)).body.inquiries).toEqual([]);
    });

    it('rejects an unknown purpose with 400 PURPOSE_INVALID', async () => {
      const res = await http.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).set('X-Purpose', 'CURIOSITY').expect(400);
      expect(res.body).toMatchObject({ code: 'PURPOSE_INVALID', field: 'X-Purpose' });
    });
  });

  describe('consumers (A_CONSUMER)', () => {
    it('creates with 201, replaces with 200, and reads back what was stored', async () => {
      await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send(consumerBody([debt('d-1', 30)]))
        .expect(201);
      const updated = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send({ ...consumerBody([debt('d-1', 30), debt('d-2', 10, 'OPEN')]), name: 'Maria S. Santos' })
        .expect(200);
      expect(updated.body.name).toBe('Maria S. Santos');
      const res = await http.get(`/v1/consumers/${NEW_CPF}`).expect(200);
      expect(res.body.debts.map((d: { id: string }) => d.id).sort()).toEqual(['d-1', 'd-2']);
      expect(res.body.address.postalCode).toBe('01310200');
    });

    it('keeps debts older than five years out of every report, while still showing them to the data holder', async () => {
      await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send(consumerBody([debt('recent', 40), debt('ancient', 6 * 366)]))
        .expect(200);
      const held = await http.get(`/v1/consumers/${NEW_CPF}`).expect(200);
      expect(held.body.debts.find((d: { id: string }) => d.id === 'ancient').reportable).toBe(false);
      const analysis = await http.get(`/v1/credit-analyses/${NEW_CPF}`).expect(200);
      expect(analysis.body.debts.items.map((d: { id: string }) => d.id)).toEqual(['recent']);
      expect(analysis.body.debts.summary.overdueCount).toBe(1);
    });

    it('rejects a bad postal code with the field path and writes nothing', async () => {
      const fresh = `222333444${Cpf.checkDigits('222333444')}`;
      const res = await http
        .put(`/v1/consumers/${fresh}`)
        .send({ ...consumerBody(), address: { ...address, postalCode: '123' } })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'address.postalCode' })]),
      );
      await http.get(`/v1/consumers/${fresh}`).expect(404);
    });

    it('rejects a creditor CNPJ with wrong check digits and leaves the stored consumer untouched', async () => {
      const before = await http.get(`/v1/consumers/${NEW_CPF}`).expect(200);
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send(consumerBody([{ ...debt('x', 5), creditorCnpj: '11.222.333/0001-82' }]))
        .expect(400);
      expect(res.body).toMatchObject({ code: 'CNPJ_INVALID', field: 'debts[0].creditorCnpj' });
      expect((await http.get(`/v1/consumers/${NEW_CPF}`).expect(200)).body).toEqual(before.body);
    });

    it('accepts creditors with alphanumeric CNPJs, formatted, plain or in lower case, and stores them plain and upper case', async () => {
      const debts = [
        { ...debt('alnum-formatted', 5), creditorCnpj: '12.ABC.345/01DE-35' },
        { ...debt('alnum-lower', 6), creditorCnpj: '12abc34501de35' },
        { ...debt('numeric', 7), creditorCnpj: '11222333000181' },
      ];
      await http.put(`/v1/consumers/${CNPJ_CPF}`).send(consumerBody(debts)).expect(201);
      const stored = (await http.get(`/v1/consumers/${CNPJ_CPF}`).expect(200)).body.debts as {
        id: string;
        creditorCnpj: string;
      }[];
      expect(Object.fromEntries(stored.map((d) => [d.id, d.creditorCnpj]))).toEqual({
        'alnum-formatted': '12ABC34501DE35',
        'alnum-lower': '12ABC34501DE35',
        numeric: '11222333000181',
      });
    });

    it('rejects an alphanumeric CNPJ whose check digits do not match, naming the debt', async () => {
      const res = await http
        .put(`/v1/consumers/${CNPJ_CPF}`)
        .send(consumerBody([debt('ok', 5), { ...debt('bad', 5), creditorCnpj: '12.ABC.345/01DE-36' }]))
        .expect(400);
      expect(res.body).toMatchObject({
        code: 'CNPJ_INVALID',
        field: 'debts[1].creditorCnpj',
        reason: 'check digits do not match',
      });
    });

    it('rejects fields the contract does not know', async () => {
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send({ ...consumerBody(), isAdmin: true })
        .expect(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'isAdmin' });
    });

    it('rejects an invalid CPF in the path before writing anything', async () => {
      expect((await http.put('/v1/consumers/12345678900').send(consumerBody()).expect(400)).body.code).toBe(
        'CPF_INVALID',
      );
    });
  });

  describe('rating features and ratings (B_RATING)', () => {
    it('stores features and re-scores the CPF, so its rating is available', async () => {
      const body = {
        birthDate: '1988-07-14',
        address,
        assets: [{ kind: 'REAL_ESTATE', valueCents: 45_000_000, financed: true, outstandingCents: 21_000_000 }],
        incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 850_000, since: '2019-02-01' }],
      };
      await http.put(`/v1/consumers/${NEW_CPF}/rating-features`).send(body).expect(201);
      await http.put(`/v1/consumers/${NEW_CPF}/rating-features`).send(body).expect(200);
      const rating = await http.get(`/v1/consumers/${NEW_CPF}/rating`).expect(200);
      expect(rating.body.current).toMatchObject({
        band: expect.stringMatching(/^[A-E]$/),
        modelVersion: expect.any(String),
      });
    });

    it('refuses an outstanding balance on an asset that is not financed', async () => {
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}/rating-features`)
        .send({
          birthDate: '1988-07-14',
          address,
          assets: [{ kind: 'VEHICLE', valueCents: 100, financed: false, outstandingCents: 50 }],
          incomeSources: [],
        })
        .expect(400);
      expect(res.body).toMatchObject({ code: 'ASSET_INVALID', field: 'assets[0].outstandingCents' });
    });

    it('answers 404 RATING_NOT_FOUND for a CPF never rated', async () => {
      expect((await http.get(`/v1/consumers/${OTHER_CPF}/rating`).expect(404)).body.code).toBe('RATING_NOT_FOUND');
    });
  });

  describe('POST /v1/transactions (C_TRANSACTIONS)', () => {
    const events = [
      {
        eventId: 'e2e-mov-1',
        cpf: NEW_CPF,
        type: 'FINANCIAL_MOVEMENT',
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        kind: 'SALARY',
        amountCents: 900_000,
      },
      {
        eventId: 'e2e-card-1',
        cpf: NEW_CPF,
        type: 'CARD_PURCHASE',
        occurredAt: new Date(Date.now() - 7_200_000).toISOString(),
        merchant: 'Farmácia Saúde',
        mcc: '5912',
        amountCents: 4_590,
        installments: 1,
        approved: true,
        cardLast4: '4242',
      },
    ];

    it('accepts a batch with 202, invalidates the cached analysis and is idempotent on re-send', async () => {
      await http.get(`/v1/credit-analyses/${NEW_CPF}`).expect(200);
      const accepted = await http.post('/v1/transactions').send({ events }).expect(202);
      expect(accepted.body).toMatchObject({ accepted: 2, batchId: expect.any(String) });
      const after = await http.get(`/v1/credit-analyses/${NEW_CPF}`).expect(200);
      expect(after.headers['x-cache']).toBe('MISS');
      expect(after.body.transactions.lastCardPurchase.merchant).toBe('Farmácia Saúde');
      await http.post('/v1/transactions').send({ events }).expect(202);
      const page = await http
        .get(`/v1/consumers/${NEW_CPF}/transactions?types=FINANCIAL_MOVEMENT,CARD_PURCHASE`)
        .expect(200);
      expect(page.body.events.filter((e: { eventId: string }) => e.eventId.startsWith('e2e-'))).toHaveLength(2);
    });

    it('rejects the whole batch, listing every bad event, when any event is invalid', async () => {
      const bad = [
        { ...events[0], eventId: 'e2e-ok-but-in-bad-batch' },
        { ...events[1], eventId: 'e2e-bad-mcc', mcc: '54' },
        { ...events[1], eventId: 'e2e-bad-cpf', cpf: '123' },
      ];
      const res = await http.post('/v1/transactions').send({ events: bad }).expect(400);
      expect(res.body.code).toBe('BATCH_INVALID');
      expect(res.body.errors).toEqual([
        expect.objectContaining({ index: 1, field: 'events[1].mcc', code: 'EVENT_INVALID' }),
        expect.objectContaining({ index: 2, field: 'events[2].cpf', code: 'CPF_INVALID' }),
      ]);
      const page = await http.get(`/v1/consumers/${NEW_CPF}/transactions`).expect(200);
      expect(page.body.events.map((e: { eventId: string }) => e.eventId)).not.toContain('e2e-ok-but-in-bad-batch');
    });

    it('refuses a field an event type does not have, as the RabbitMQ edge does, instead of dropping it', async () => {
      const event = {
        eventId: 'currency-1',
        cpf: NEW_CPF,
        type: 'FINANCIAL_MOVEMENT',
        occurredAt: new Date().toISOString(),
        kind: 'SALARY',
        amountCents: 100,
        currency: 'USD',
      };
      const res = await http
        .post('/v1/transactions')
        .send({ events: [event] })
        .expect(400);
      expect(res.body.errors).toEqual([
        {
          index: 0,
          eventId: 'currency-1',
          code: 'EVENT_INVALID',
          field: 'events[0].currency',
          reason: 'is not a field of a FINANCIAL_MOVEMENT event',
        },
      ]);
    });

    it('rejects an empty batch and a batch that is not an array', async () => {
      expect((await http.post('/v1/transactions').send({ events: [] }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await http.post('/v1/transactions').send({ events: 'nope' }).expect(400)).body.field).toBe('events');
    });

    it('pages a CPF trail by cursor, newest first, without losing or repeating events', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let last = Infinity;
      do {
        const url: string = `/v1/consumers/${DEMO_CPF_FORMATTED}/transactions?limit=3&from=${encodeURIComponent(new Date(Date.now() - 200 * 86_400_000).toISOString())}${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await http.get(url).expect(200);
        for (const e of res.body.events) {
          const at = Date.parse(e.occurredAt);
          expect(at).toBeLessThanOrEqual(last);
          last = at;
          seen.push(e.eventId);
        }
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.length).toBeGreaterThan(3);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('rejects a tampered cursor with 400 CURSOR_INVALID', async () => {
      expect(
        (await http.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions?cursor=garbage`).expect(400)).body.code,
      ).toBe('CURSOR_INVALID');
    });
  });

  describe('rating regeneration jobs', () => {
    it('runs a job for a list of CPFs to completion and reports 100 percent', async () => {
      const started = await http
        .post('/v1/ratings/regenerations')
        .send({ scope: 'CPFS', cpfs: [DEMO_CPF_FORMATTED, NEW_CPF] })
        .expect(202);
      expect(started.body).toMatchObject({ id: expect.any(String), total: 2 });
      let job = started.body;
      for (let i = 0; i < 50 && job.status !== 'COMPLETED'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await http.get(`/v1/ratings/regenerations/${started.body.id}`).expect(200)).body;
      }
      expect(job).toMatchObject({ status: 'COMPLETED', processed: 2, percent: 100, failed: 0 });
    });

    it('regenerates the whole base', async () => {
      const started = await http.post('/v1/ratings/regenerations').send({ scope: 'ALL' }).expect(202);
      let job = started.body;
      for (let i = 0; i < 100 && job.status !== 'COMPLETED'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await http.get(`/v1/ratings/regenerations/${started.body.id}`).expect(200)).body;
      }
      expect(job.status).toBe('COMPLETED');
      expect(job.processed).toBe(job.total);
      expect(job.total).toBeGreaterThanOrEqual(25);
    });

    it('rejects a list with an invalid CPF, naming its position', async () => {
      const res = await http
        .post('/v1/ratings/regenerations')
        .send({ scope: 'CPFS', cpfs: ['12345678909', '12345678900'] })
        .expect(400);
      expect(res.body).toMatchObject({ code: 'CPF_INVALID', field: 'cpfs[1]' });
    });

    it('answers 400 for a malformed job id and 404 for an unknown one', async () => {
      expect((await http.get('/v1/ratings/regenerations/not-a-uuid').expect(400)).body.code).toBe('JOB_ID_INVALID');
      expect(
        (await http.get('/v1/ratings/regenerations/2f1d0c3e-8d5b-4d0e-9a57-1f4b2f0b8c11').expect(404)).body.code,
      ).toBe('RATING_JOB_NOT_FOUND');
    });

    it('answers 409 JOB_COMPLETED to resuming a job that has completed: the request is sound, the job is not resumable', async () => {
      const job = (
        await http
          .post('/v1/ratings/regenerations')
          .send({ scope: 'CPFS', cpfs: [DEMO_CPF_FORMATTED] })
          .expect(202)
      ).body;
      for (
        let i = 0;
        i < 50 && (await http.get(`/v1/ratings/regenerations/${job.id}`)).body.status !== 'COMPLETED';
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect((await http.post(`/v1/ratings/regenerations/${job.id}/resume`).expect(409)).body).toMatchObject({
        code: 'JOB_COMPLETED',
        field: 'id',
      });
    });

    it('refuses a CPF list with scope ALL, which takes none', async () => {
      expect(
        (
          await http
            .post('/v1/ratings/regenerations')
            .send({ scope: 'ALL', cpfs: ['12345678909'] })
            .expect(400)
        ).body,
      ).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cpfs' });
    });
  });

  describe('validation errors: one entry per field and problem', () => {
    const consumerWith = (debtPatch: Record<string, unknown>) => consumerBody([{ ...debt('v-1', 5), ...debtPatch }]);

    it('says a missing field is required, once, instead of listing the rules its absent value breaks', async () => {
      const { amountCents: _dropped, ...withoutAmount } = debt('v-1', 5);
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send(consumerBody([withoutAmount]))
        .expect(400);
      expect(res.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'debts[0].amountCents',
        reason: 'is required',
      });
      expect(res.body.errors).toEqual([
        { field: 'debts[0].amountCents', code: 'FIELD_REQUIRED', reason: 'is required' },
      ]);
    });

    it('names a missing nested object as required', async () => {
      const { address: _dropped, ...withoutAddress } = consumerBody();
      const res = await http.put(`/v1/consumers/${NEW_CPF}`).send(withoutAddress).expect(400);
      expect(res.body.errors).toEqual([{ field: 'address', code: 'FIELD_REQUIRED', reason: 'is required' }]);
    });

    it('reports a value of the wrong kind once, not with the ranges it cannot be checked against', async () => {
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send(consumerWith({ amountCents: 'many' }))
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'debts[0].amountCents', code: 'FIELD_INVALID', reason: 'amountCents must be an integer number' },
      ]);
    });

    it('lists each problem of each field, in one response', async () => {
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .send({ ...consumerWith({ amountCents: 0, status: 'LATE' }), name: 'M' })
        .expect(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'name', code: 'FIELD_INVALID', reason: expect.stringContaining('longer than or equal to 2') },
          { field: 'debts[0].amountCents', code: 'FIELD_INVALID', reason: 'amountCents must not be less than 1' },
          { field: 'debts[0].status', code: 'FIELD_INVALID', reason: expect.stringContaining('must be one of') },
        ]),
      );
      expect(res.body.errors).toHaveLength(3);
    });
  });

  describe('edges of the HTTP surface', () => {
    it('answers malformed JSON with 400 and no stack trace', async () => {
      const res = await http
        .put(`/v1/consumers/${NEW_CPF}`)
        .set('content-type', 'application/json')
        .send('{"name": ')
        .expect(400);
      expect(res.body.code).toBeDefined();
      expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('refuses a body over the size limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await http
        .post('/v1/transactions')
        .set('content-type', 'application/json')
        .send(`{"events":[${'"x",'.repeat(300_000)}"x"]}`)
        .expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each([
      ['TRACE', '/v1/transactions', 'POST'],
      ['QUERY', `/v1/consumers/${NEW_CPF}`, 'GET, HEAD, PUT'],
      ['DELETE', `/v1/consumers/${NEW_CPF}`, 'GET, HEAD, PUT'],
      ['OPTIONS', '/v1/ratings/regenerations', 'POST'],
    ])(
      'answers %s on %s, a method the path does not take, with 405, Allow: %s and the error shape',
      async (method, path, allow) => {
        const res = await request(app.getHttpServer())[method.toLowerCase() as 'trace'](path).set('X-Api-Key', 'none');
        expect(res.status).toBe(405);
        expect(res.headers.allow).toBe(allow);
        expect(res.body).toMatchObject({ statusCode: 405, code: 'METHOD_NOT_ALLOWED', reason: `allowed: ${allow}` });
      },
    );

    it("refuses an overlong path parameter with 400 in the error shape, not the router's own 414", async () => {
      const res = await http.get(`/v1/consumers/${'1'.repeat(600)}`).expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        code: 'PATH_INVALID',
        message: expect.stringContaining('longer than 512'),
        reason: expect.any(String),
      });
    });

    it('answers unknown routes with 404 in the error shape', async () => {
      expect((await http.get('/v1/consumers').expect(404)).body.code).toBe('ROUTE_NOT_FOUND');
    });

    it('serves Swagger UI and the OpenAPI document without a key', async () => {
      const anonymous = request(app.getHttpServer());
      expect((await anonymous.get('/docs').expect(200)).text).toMatch(/swagger/i);
      expect((await anonymous.get('/docs/openapi.json').expect(200)).body.paths).toHaveProperty([
        '/v1/credit-analyses/{cpf}',
      ]);
    });

    it('reports liveness and readiness without a key', async () => {
      const anonymous = request(app.getHttpServer());
      expect((await anonymous.get('/health/live').expect(200)).body.status).toBe('ok');
      expect((await anonymous.get('/health/ready').expect(200)).body).toMatchObject({
        status: 'ok',
        details: {
          consumers: { status: 'up', adapter: 'pglite' },
          ratings: { status: 'up', adapter: 'memory' },
          transactions: { status: 'up', adapter: 'memory' },
          cache: { status: 'up', adapter: 'memory' },
          transport: { status: 'up', adapter: 'in-process' },
        },
      });
    });
  });
});
