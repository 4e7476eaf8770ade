import { RescoreOnChangeHandler } from '@app/credit-application';
import { loadConfig } from '@app/platform';
import { CalendarDate, Clock, Cpf, FixedClock } from '@app/shared-kernel';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/bootstrap';
import { client, keyFor } from './api-harness';

/**
 * The creditors' feeds over REST and the notice period (CDC art. 43 §2) as a client and the data subject see them, on
 * the embedded default with a clock the test moves.
 */
const [CPF_A, CPF_B, CPF_C] = ['135792468', '975318642', '864201357'].map((base) => `${base}${Cpf.checkDigits(base)}`);
const address = {
  street: 'Rua do Sol',
  number: '12',
  district: 'Boa Viagem',
  city: 'Recife',
  state: 'PE',
  postalCode: '51020-000',
};
const register = (cpf: string, contractId: string, extra: Record<string, unknown> = {}) => ({
  operation: 'REGISTER',
  cpf,
  creditorCnpj: '11.222.333/0001-81',
  contractId,
  creditor: 'Financeira Aurora',
  amountCents: 450_000,
  dueDate: '2030-02-10',
  ...extra,
});
const START = '2030-03-02T15:00:00Z';
/** Ten days after 2 March, counted from the 3rd; reportable from 00:00 BRT on 13 March. */
const REPORTABLE_FROM = CalendarDate.fromString('2030-03-13').startsAt();

describe('creditor feeds over REST, and the notice period', () => {
  let app: NestFastifyApplication;
  let clock: FixedClock;
  let http: ReturnType<typeof client>;
  let subject: ReturnType<typeof client>;
  let scoreWhilePending: number;

  beforeAll(async () => {
    clock = new FixedClock(new Date(START));
    app = await createApp(
      { ...loadConfig({}), demoConsumers: 0 },
      { logger: false, overrides: [{ provide: Clock, useValue: clock }] },
    );
    await app.getHttpAdapter().getInstance().ready();
    const key = await keyFor(app, 'Financeira Aurora');
    http = client(app, key);
    subject = client(app, key, 'DATA_SUBJECT_REQUEST');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  const analysis = async (cpf: string) => (await http.get(`/v1/credit-analyses/${cpf}`).expect(200)).body;
  const rescored = () => app.get(RescoreOnChangeHandler).drained();

  it('stores consumer records in bulk and rejects a bad one by index, code and field, storing the rest', async () => {
    const res = await http
      .post('/v1/consumer-records')
      .send({
        batchId: 'records-1',
        records: [
          { cpf: CPF_A, name: 'Helena Barros', address },
          { cpf: CPF_B, name: 'Igor Tavares', address },
          { cpf: '12345678900', name: 'Wrong Digits', address },
          { cpf: CPF_B, name: 'Igor Tavares', address: { ...address, state: 'XX' } },
        ],
      })
      .expect(200);
    expect(res.body).toEqual({
      batchId: 'records-1',
      received: 4,
      accepted: 2,
      rejected: [
        { index: 2, code: 'CPF_INVALID', field: 'records[2].cpf', reason: 'check digits do not match' },
        {
          index: 3,
          code: 'ADDRESS_INVALID',
          field: 'records[3].address.state',
          reason: 'must be a Brazilian state code (UF) such as SP',
        },
      ],
    });
    expect((await http.get(`/v1/consumers/${CPF_A}`).expect(200)).body.name).toBe('Helena Barros');
  });

  it('holds a registered debt pending: shown to the subject, kept out of the analysis and the score', async () => {
    // C is A's twin without the debt: the same record and the same consultations (each analysis read is an inquiry,
    // which the score counts), re-scored at the same moment by a record sent again.
    await http
      .post('/v1/consumer-records')
      .send({ records: [{ cpf: CPF_C, name: 'Helena Barros', address }] })
      .expect(200);
    await rescored();
    await analysis(CPF_A);
    await analysis(CPF_C);
    const res = await http
      .post('/v1/debt-reports')
      .send({ reports: [register(CPF_A, 'CTR-1'), register(CPF_B, 'CTR-2')] })
      .expect(200);
    expect(res.body).toMatchObject({ received: 2, accepted: 2, rejected: [] });
    await http
      .post('/v1/consumer-records')
      .send({ records: [{ cpf: CPF_C, name: 'Helena Barros', address }] })
      .expect(200);
    await rescored();
    const scoreWithoutDebt = (await analysis(CPF_C)).rating.score;
    const exported = (await subject.get(`/v1/subjects/${CPF_A}/export`).expect(200)).body;
    expect(exported.consumer.debts).toEqual([
      expect.objectContaining({
        id: '11222333000181:CTR-1',
        status: 'OVERDUE',
        reportable: false,
        pendingUntil: REPORTABLE_FROM.toISOString(),
      }),
    ]);
    const before = await analysis(CPF_A);
    expect(before.debts.items).toEqual([]);
    expect(before.debts.summary.reportableCount).toBe(0);
    expect(before.rating.score).toBe(scoreWithoutDebt);
    scoreWhilePending = before.rating.score;
  });

  it('is idempotent by creditor CNPJ and contract id, and only the registering client may change the debt', async () => {
    const again = await http
      .post('/v1/debt-reports')
      .send({ reports: [register(CPF_A, 'CTR-1', { creditorCnpj: '11222333000181' })] })
      .expect(200);
    expect(again.body).toMatchObject({ accepted: 1, rejected: [] });
    const intruder = client(app, await keyFor(app, 'Outra Financeira'));
    const refused = await intruder
      .post('/v1/debt-reports')
      .send({ reports: [{ operation: 'REMOVE', cpf: CPF_A, creditorCnpj: '11222333000181', contractId: 'CTR-1' }] })
      .expect(200);
    expect(refused.body.rejected).toEqual([
      expect.objectContaining({ index: 0, code: 'DEBT_REPORTED_BY_ANOTHER_SOURCE', field: 'reports[0].contractId' }),
    ]);
    expect((await http.get(`/v1/consumers/${CPF_A}`).expect(200)).body.debts).toHaveLength(1);
  });

  it('lets the debt into the analysis and the score at 00:00 BRT after the notice period, re-rating on the read', async () => {
    clock.advance(REPORTABLE_FROM.getTime() - 1 - clock.now().getTime());
    expect((await analysis(CPF_A)).debts.items).toEqual([]);
    clock.advance(1);
    const after = await analysis(CPF_A);
    expect(after.debts.items.map((d: { id: string }) => d.id)).toEqual(['11222333000181:CTR-1']);
    expect(after.debts.summary).toMatchObject({ reportableCount: 1, overdueCount: 1, overdueAmountCents: 450_000 });
    expect(after.rating.generatedAt).toBe(REPORTABLE_FROM.toISOString());
    expect(after.rating.score).toBeLessThan(scoreWhilePending);
  });

  it('takes a payment at once: the analysis and the score drop the debt without waiting for the cache', async () => {
    await rescored();
    const before = await analysis(CPF_B);
    expect(before.debts.summary.overdueCount).toBe(1);
    const paid = await http
      .post('/v1/debt-reports')
      .send({ reports: [{ operation: 'PAY', cpf: CPF_B, creditorCnpj: '11222333000181', contractId: 'CTR-2' }] })
      .expect(200);
    expect(paid.body).toMatchObject({ accepted: 1, rejected: [] });
    await rescored();
    const after = await analysis(CPF_B);
    expect(after.debts.summary.overdueCount).toBe(0);
    expect(after.rating.score).toBeGreaterThan(before.rating.score);
  });

  it('refuses an envelope that breaks the contract as a whole (400), and a client without consumer:write', async () => {
    await http.post('/v1/debt-reports').send({ reports: [] }).expect(400);
    await http
      .post('/v1/debt-reports')
      .send({ reports: [register(CPF_A, 'X')], extra: 1 })
      .expect(400);
    const nullId = await http
      .post('/v1/consumer-records')
      .send({ batchId: null, records: [{ cpf: CPF_A, name: 'Helena', address }] });
    expect(nullId.status).toBe(400);
    const reader = client(app, await keyFor(app, 'Leitor', ['consumer:read']));
    await reader
      .post('/v1/consumer-records')
      .send({ records: [{ cpf: CPF_A, name: 'Helena', address }] })
      .expect(403);
  });

  it("records every report in the subject's audit trail under the client that sent it", async () => {
    const exported = (await subject.get(`/v1/subjects/${CPF_A}/export`).expect(200)).body;
    const writes = exported.accesses.filter(
      (a: { action: string; detail?: { feed?: string } }) => a.action === 'WRITE' && a.detail?.feed === 'DEBT_REPORT',
    );
    expect(writes.map((w: { client: string; outcome: string }) => [w.client, w.outcome])).toEqual(
      expect.arrayContaining([
        ['Financeira Aurora', 'SUCCESS'],
        ['Outra Financeira', 'INVALID'],
      ]),
    );
  });
});
