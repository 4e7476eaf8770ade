import { Cpf, DAY_MS, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingAuditLog,
  RecordingEventBus,
  VALID_CPF,
  aConsumer,
  aDay,
  aDebt,
  anAddressInput,
  cpfFromBase,
} from '@app/testing';
import { InMemoryAnalysisCache } from '@app/adapters/embedded';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { CorrectionNoticeEvent } from '../events/correction-notice.event';
import { AuditEntryInput } from '../ports/audit-log';
import { CorrectConsumerCommand, Correction } from './correct-consumer.command';
import { CorrectConsumerHandler } from './correct-consumer.handler';

const metadata = { correlationId: 'corr-fix' };
const cpf = Cpf.parse(VALID_CPF);

describe('CorrectConsumerHandler', () => {
  let consumers: InMemoryConsumerRepository;
  let cache: InMemoryAnalysisCache;
  let bus: RecordingEventBus;
  let audit: RecordingAuditLog;
  let clock: FixedClock;
  let handler: CorrectConsumerHandler;

  beforeEach(async () => {
    consumers = new InMemoryConsumerRepository();
    cache = new InMemoryAnalysisCache();
    bus = new RecordingEventBus();
    audit = new RecordingAuditLog();
    clock = new FixedClock(NOW);
    audit.now = () => clock.now();
    handler = new CorrectConsumerHandler(consumers, clock, bus.notifier(cache), audit);
    await consumers.save(
      aConsumer({
        name: 'Maria da Silva Santo',
        debts: [aDebt({ id: 'c-1', amountCents: 125_000, dueDate: aDay('2025-05-06') }), aDebt({ id: 'c-2' })],
      }),
    );
  });

  const correct = (correction: Correction, reason = 'typo in the surname') =>
    handler.execute(new CorrectConsumerCommand(VALID_CPF, correction, reason, metadata));
  const correctName = (value: string) => correct({ field: 'name', value });
  /** A read some client made of this CPF `daysAgo` days before now. */
  const readBy = async (clientId: string, daysAgo: number, overrides: Partial<AuditEntryInput> = {}) => {
    const at = clock.now();
    clock.advance(-daysAgo * DAY_MS);
    await audit.record({
      clientId,
      scope: 'analysis:read',
      purpose: 'CREDIT_GRANTING',
      cpf,
      action: 'READ',
      resource: 'ANALYSIS',
      outcome: 'SUCCESS',
      requestId: `r-${clientId}-${daysAgo}`,
      ...overrides,
    });
    clock.advance(at.getTime() - clock.now().getTime());
  };

  it('stores the corrected field, evicts the cached analysis and announces the change', async () => {
    await cache.set(cpf, '{"name":"Maria da Silva Santo"}', 300_000);
    expect(await correctName('Maria da Silva Santos')).toMatchObject({ field: 'name', changed: true });
    expect((await consumers.findByCpf(cpf))?.name).toBe('Maria da Silva Santos');
    expect(await cache.get(cpf)).toBeNull();
    expect(bus.ofType(ConsumerDataChangedEvent)).toEqual([
      new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', metadata),
    ]);
  });

  it('announces a repeated correction again, which a retry after a crash relies on, without storing anything', async () => {
    const first = await correctName('Maria da Silva Santos');
    const stored = await consumers.findByCpf(cpf);
    bus.clear();
    const again = await correctName('Maria da Silva Santos');
    expect(again).toMatchObject({ field: 'name', changed: false, correctionId: first.correctionId });
    expect(await consumers.findByCpf(cpf)).toEqual(stored);
    expect(bus.ofType(ConsumerDataChangedEvent)).toEqual([
      new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', metadata),
    ]);
  });

  it('answers CONSUMER_NOT_FOUND for an unknown CPF and announces nothing', async () => {
    await expect(
      handler.execute(
        new CorrectConsumerCommand(cpfFromBase(987_654_321), { field: 'name', value: 'X' }, 'r', metadata),
      ),
    ).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });
    expect(bus.published).toEqual([]);
  });

  it('keeps the reason, with any CPF in it masked, and the values before and after for the audit entry', async () => {
    const result = await correctName('Maria da Silva Santos');
    const withCpf = await correct(
      { field: 'address', value: anAddressInput({ number: '1600' }) },
      'moved; CPF 123.456.789-09 as on file',
    );
    expect(result.audit).toEqual({
      kind: 'CORRECTION',
      correctionId: result.correctionId,
      field: 'name',
      reason: 'typo in the surname',
      before: 'Maria da Silva Santo',
      after: 'Maria da Silva Santos',
      notified: [],
    });
    expect(withCpf.audit).toMatchObject({
      field: 'address',
      before: expect.objectContaining({ number: '1578' }),
      after: expect.objectContaining({ number: '1600' }),
    });
    expect(JSON.stringify(withCpf.audit)).not.toContain('123.456.789-09');
    expect(JSON.stringify(withCpf.audit)).toContain('***.456.789-**');
  });

  it('refuses a correction without a reason', async () => {
    await expect(correct({ field: 'name', value: 'Maria da Silva Santos' }, '  ')).rejects.toMatchObject({
      code: 'CORRECTION_INVALID',
      field: 'reason',
    });
  });

  describe('debts', () => {
    it('corrects the fields of a debt it names, keeping the others', async () => {
      const result = await correct(
        { field: 'debt', debtId: 'c-1', value: { amountCents: 62_500, status: 'PAID' } },
        'half was paid in 2025',
      );
      const debt = (await consumers.findByCpf(cpf))?.debts.find((d) => d.id === 'c-1');
      expect(debt?.props).toMatchObject({ status: 'PAID', creditor: 'Banco Horizonte S.A.' });
      expect(debt?.props.amount.cents).toBe(62_500);
      expect(result.audit).toMatchObject({
        field: 'debt',
        debtId: 'c-1',
        before: {
          id: 'c-1',
          amountCents: 125_000,
          status: 'OVERDUE',
          dueDate: '2025-05-06',
        },
        after: { id: 'c-1', amountCents: 62_500, status: 'PAID' },
      });
    });

    it("cancels a debt that was never the subject's (value null)", async () => {
      const result = await correct({ field: 'debt', debtId: 'c-2', value: null }, 'not my contract');
      expect((await consumers.findByCpf(cpf))?.debts.map((d) => d.id)).toEqual(['c-1']);
      expect(result).toMatchObject({ changed: true, audit: { before: { id: 'c-2' }, after: null } });
    });

    it('answers DEBT_NOT_FOUND for a debt the consumer does not have', async () => {
      await expect(correct({ field: 'debt', debtId: 'nope', value: null })).rejects.toMatchObject({
        code: 'DEBT_NOT_FOUND',
      });
    });

    it.each([
      ['an implausible amount', { amountCents: Number.MAX_SAFE_INTEGER }, 'AMOUNT_OUT_OF_RANGE', 'value.amountCents'],
      ['a due date given as a timestamp', { dueDate: '2025-05-06T22:00:00-03:00' }, 'DATE_INVALID', 'value.dueDate'],
      ['an unknown status', { status: 'LATE' }, 'DEBT_INVALID', 'value.status'],
    ])('validates the corrected debt as new input: refuses %s', async (_label, value, code, field) => {
      await expect(correct({ field: 'debt', debtId: 'c-1', value })).rejects.toMatchObject({ code, field });
      expect((await consumers.findByCpf(cpf))?.debts.find((d) => d.id === 'c-1')?.props.amount.cents).toBe(125_000);
    });
  });

  describe('recipients of the wrong data (CDC art. 43 §3, LGPD art. 18 §6)', () => {
    it('notifies every client that read it in the last six months, once each, on the notice queue', async () => {
      await readBy('Banco A', 10);
      await readBy('Banco A', 20);
      await readBy('amqp:acme', 150, { resource: 'CONSUMER', scope: 'consumer:read' });
      await readBy('Banco Velho', 200);
      await readBy('Portal do Titular', 1, { purpose: 'DATA_SUBJECT_REQUEST' });
      await readBy('Banco Negado', 3, { outcome: 'DENIED' });
      await readBy('rating-engine', 2, { action: 'WRITE', resource: 'RATING' });
      await readBy('Banco Outro CPF', 2, { cpf: Cpf.parse(cpfFromBase(987_654_321)) });
      const result = await correctName('Maria da Silva Santos');
      expect(result.recipients).toEqual(['amqp:acme', 'Banco A']);
      const [notice] = bus.ofType(CorrectionNoticeEvent);
      expect(notice).toMatchObject({
        correctionId: result.correctionId,
        cpf: VALID_CPF,
        field: 'name',
        debtId: null,
        correctedAt: NOW,
      });
      expect(notice?.recipients).toEqual([
        { client: 'amqp:acme', lastReadAt: new Date(NOW.getTime() - 150 * DAY_MS) },
        { client: 'Banco A', lastReadAt: new Date(NOW.getTime() - 10 * DAY_MS) },
      ]);
      expect(result.audit).toMatchObject({ notified: ['amqp:acme', 'Banco A'] });
    });

    it('tells of an address only those who read the consumer record, the only read that shows it', async () => {
      await readBy('Banco A', 10);
      await readBy('Banco B', 12, { resource: 'CONSUMER', scope: 'consumer:read' });
      expect((await correct({ field: 'address', value: anAddressInput({ number: '1600' }) })).recipients).toEqual([
        'Banco B',
      ]);
    });

    it('publishes no notice when nobody received the data', async () => {
      await correctName('Maria da Silva Santos');
      expect(bus.ofType(CorrectionNoticeEvent)).toEqual([]);
    });
  });
});
