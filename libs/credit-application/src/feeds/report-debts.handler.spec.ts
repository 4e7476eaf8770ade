import { Cpf, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerFeeds,
  InMemoryConsumerRepository,
  NOW,
  RecordingAuditLog,
  RecordingEventBus,
  aConsumer,
  aDebt,
  daysAfter,
  distinctCpfs,
} from '@app/testing';
import { NoticePeriod } from '@app/credit-domain';
import { InMemoryAnalysisCache } from '@app/adapters/embedded';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { DebtNoticeEvent } from '../events/debt-notice.event';
import { FeedBatch } from './feed-batch';
import { RecordConsumersCommand } from './record-consumers.command';
import { RecordConsumersHandler } from './record-consumers.handler';
import { ReportDebtsCommand } from './report-debts.command';
import { ReportDebtsHandler } from './report-debts.handler';

const [KNOWN, OTHER, UNKNOWN] = distinctCpfs(3);
const metadata = { correlationId: 'corr-feed' };
const register = (cpf: string, contractId: string, extra: Record<string, unknown> = {}) => ({
  operation: 'REGISTER',
  cpf,
  creditorCnpj: '11.222.333/0001-81',
  contractId,
  creditor: 'Acme Financeira S.A.',
  amountCents: 125_000,
  dueDate: '2025-05-10',
  ...extra,
});
const op = (operation: string, cpf: string, contractId: string, extra: Record<string, unknown> = {}) => ({
  operation,
  cpf,
  creditorCnpj: '11222333000181',
  contractId,
  ...extra,
});
const batch = (items: Record<string, unknown>[], source = 'amqp:acme', batchId = 'b-1'): FeedBatch<never> => ({
  batchId,
  source,
  client: source,
  received: items.length,
  items: items.map((input, index) => ({ index, input: input as never })),
  rejected: [],
});

describe('Creditor feeds: debt reports and consumer records', () => {
  let consumers: InMemoryConsumerRepository;
  let bus: RecordingEventBus;
  let audit: RecordingAuditLog;
  let clock: FixedClock;
  let debts: ReportDebtsHandler;
  let records: RecordConsumersHandler;
  const period = new NoticePeriod(10);

  beforeEach(async () => {
    consumers = new InMemoryConsumerRepository();
    bus = new RecordingEventBus();
    audit = new RecordingAuditLog();
    clock = new FixedClock(NOW);
    const feeds = new InMemoryConsumerFeeds(consumers);
    const notifier = bus.notifier(new InMemoryAnalysisCache());
    debts = new ReportDebtsHandler(feeds, clock, period, notifier, audit);
    records = new RecordConsumersHandler(feeds, clock, notifier, audit);
    await consumers.save(aConsumer({ cpf: KNOWN, debts: [aDebt({ id: 'held-before' })] }));
    await consumers.save(aConsumer({ cpf: OTHER }));
  });

  const report = (items: Record<string, unknown>[], source?: string) =>
    debts.execute(new ReportDebtsCommand([batch(items, source)], metadata)).then(([r]) => r!);
  const stored = async (cpf: string) => (await consumers.findByCpf(Cpf.parse(cpf)))!;

  it('applies each report on its own: a bad one is rejected with index, code and field, the rest is stored', async () => {
    const result = await report([
      register(KNOWN, 'C-1'),
      register(UNKNOWN, 'C-2'),
      op('PAY', KNOWN, 'NEVER-REGISTERED'),
      register(OTHER, 'C-3', { amountCents: 0 }),
      register(OTHER, 'C-4'),
    ]);
    expect(result).toEqual({
      batchId: 'b-1',
      received: 5,
      accepted: 2,
      rejected: [
        expect.objectContaining({ index: 1, code: 'CONSUMER_NOT_FOUND', field: 'reports[1].cpf' }),
        expect.objectContaining({ index: 2, code: 'DEBT_NOT_FOUND', field: 'reports[2].contractId' }),
        expect.objectContaining({ index: 3, field: 'reports[3].amountCents' }),
      ],
    });
    expect((await stored(KNOWN)).debts.map((d) => d.id).sort()).toEqual(['11222333000181:C-1', 'held-before']);
    expect((await stored(OTHER)).debts.map((d) => d.id)).toEqual(['11222333000181:C-4']);
  });

  it('holds a registered debt pending, sends the consumer a notice with the address held, and re-scores', async () => {
    await report([register(KNOWN, 'C-1'), register(KNOWN, 'C-2', { amountCents: 5_000 })]);
    const consumer = await stored(KNOWN);
    const registered = consumer.debts.filter((d) => d.props.reportedBy === 'amqp:acme');
    expect(registered.map((d) => d.isPendingNotice(NOW))).toEqual([true, true]);
    expect(consumer.debtSummary(NOW).reportableCount).toBe(1);
    expect(consumer.debtSummary(period.endsAt(NOW)).reportableCount).toBe(3);
    const [notice] = bus.ofType(DebtNoticeEvent);
    expect(notice).toMatchObject({
      cpf: KNOWN,
      name: consumer.name,
      address: consumer.address.toJSON(),
      reportableFrom: period.endsAt(NOW),
    });
    expect(notice!.debts.map((d) => d.debtId)).toEqual(['11222333000181:C-1', '11222333000181:C-2']);
    expect(bus.ofType(ConsumerDataChangedEvent)).toEqual([
      expect.objectContaining({ cpfs: [KNOWN], dataClass: 'CONSUMER' }),
    ]);
  });

  it('is idempotent: a re-sent batch changes nothing, and sends the same notice (same id) while still pending', async () => {
    await report([register(KNOWN, 'C-1')]);
    const before = await stored(KNOWN);
    clock.advance(86_400_000);
    expect(await report([register(KNOWN, 'C-1')])).toMatchObject({ accepted: 1, rejected: [] });
    expect((await stored(KNOWN)).debts.map((d) => d.props.reportableFrom)).toEqual(
      before.debts.map((d) => d.props.reportableFrom),
    );
    const notices = bus.ofType(DebtNoticeEvent);
    expect(notices.map((n) => n.noticeId)).toEqual([notices[0]!.noticeId, notices[0]!.noticeId]);
  });

  it('applies reports in order within a batch: a debt registered then paid needs no notice', async () => {
    await report([register(KNOWN, 'C-1'), op('PAY', KNOWN, 'C-1')]);
    expect((await stored(KNOWN)).debts.find((d) => d.id === '11222333000181:C-1')!.isSettled()).toBe(true);
    expect(bus.ofType(DebtNoticeEvent)).toEqual([]);
  });

  it('takes payment and removal at once: the CPF is announced for re-scoring and cache eviction', async () => {
    await report([register(KNOWN, 'C-1'), register(KNOWN, 'C-2')]);
    clock.advance(period.endsAt(NOW).getTime() - NOW.getTime());
    expect((await stored(KNOWN)).debtSummary(clock.now()).openCount).toBe(3);
    bus.clear();
    await report([op('PAY', KNOWN, 'C-1'), op('REMOVE', KNOWN, 'C-2')]);
    const summary = (await stored(KNOWN)).debtSummary(clock.now());
    expect(summary.openCount).toBe(1);
    expect(bus.ofType(ConsumerDataChangedEvent)).toEqual([expect.objectContaining({ cpfs: [KNOWN] })]);
  });

  it('lets only the registering source change its debts, and no feed change a debt written through PUT', async () => {
    // A debt with a feed's id form, written whole by an API client: it has no feed source.
    const put = aDebt({ id: '11222333000181:PUT-1' });
    await consumers.save(aConsumer({ cpf: KNOWN, debts: [aDebt({ id: 'held-before' }), put] }));
    await report([register(KNOWN, 'C-1')]);
    const result = await report([op('REMOVE', KNOWN, 'C-1'), op('PAY', KNOWN, 'PUT-1')], 'amqp:other-bank');
    expect(result.rejected.map((r) => r.code)).toEqual([
      'DEBT_REPORTED_BY_ANOTHER_SOURCE',
      'DEBT_REPORTED_BY_ANOTHER_SOURCE',
    ]);
    expect(await report([op('PAY', KNOWN, 'PUT-1')])).toMatchObject({
      rejected: [{ code: 'DEBT_REPORTED_BY_ANOTHER_SOURCE' }],
    });
    expect((await stored(KNOWN)).debts).toHaveLength(3);
  });

  it('audits every accepted report under its source, and the refused ones that name a consumer as INVALID', async () => {
    await report([register(KNOWN, 'C-1'), op('PAY', OTHER, 'nope')]);
    expect(audit.recorded.map((e) => [e.clientId, e.cpf?.value, e.outcome, e.requestId])).toEqual([
      ['amqp:acme', KNOWN, 'SUCCESS', 'b-1'],
      ['amqp:acme', OTHER, 'INVALID', 'b-1'],
    ]);
    expect(audit.recorded[0]!.detail).toEqual({
      feed: 'DEBT_REPORT',
      operation: 'REGISTER',
      debtId: '11222333000181:C-1',
    });
  });

  it('answers several batches of several sources in one command, each with its own receipt', async () => {
    const [a, b] = await debts.execute(
      new ReportDebtsCommand(
        [
          batch([register(KNOWN, 'C-1')], 'amqp:acme', 'a'),
          batch([register(OTHER, 'C-1'), register(UNKNOWN, 'x')], 'amqp:other-bank', 'b'),
        ],
        metadata,
      ),
    );
    expect([a!.accepted, a!.rejected.length, b!.accepted, b!.rejected.map((r) => r.index)]).toEqual([1, 0, 1, [1]]);
    expect((await stored(OTHER)).debts[0]!.props.reportedBy).toBe('amqp:other-bank');
  });

  it('announces a large change in events of at most 1,000 CPFs, the most the rescore queue takes', async () => {
    const many = distinctCpfs(1_001, 500_000_000);
    const address = {
      street: 'Rua A',
      number: '1',
      district: 'Centro',
      city: 'Recife',
      state: 'PE',
      postalCode: '50030-000',
    };
    await records.execute(
      new RecordConsumersCommand([batch(many.map((cpf) => ({ cpf, name: 'Cliente Teste', address })))], metadata),
    );
    expect(bus.ofType(ConsumerDataChangedEvent).map((e) => e.cpfs.length)).toEqual([1_000, 1]);
  });

  describe('consumer records', () => {
    it('creates consumers and replaces names and addresses, keeping debts; rejects bad records one by one', async () => {
      const address = {
        street: 'Rua Nova',
        number: '10',
        district: 'Centro',
        city: 'Recife',
        state: 'pe',
        postalCode: '50010-000',
      };
      const [result] = await records.execute(
        new RecordConsumersCommand(
          [
            batch([
              { cpf: UNKNOWN, name: 'Ana Souza', address },
              { cpf: KNOWN, name: '  Maria   Santos ', address },
              { cpf: '11111111111', name: 'Nobody', address },
              { cpf: OTHER, name: 'X', address },
            ]),
          ],
          metadata,
        ),
      );
      expect(result!.accepted).toBe(2);
      expect(result!.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
        [2, 'CPF_INVALID', 'records[2].cpf'],
        [3, 'NAME_INVALID', 'records[3].name'],
      ]);
      expect((await stored(UNKNOWN)).name).toBe('Ana Souza');
      const known = await stored(KNOWN);
      expect([known.name, known.address.props.state, known.debts.map((d) => d.id)]).toEqual([
        'Maria Santos',
        'PE',
        ['held-before'],
      ]);
      expect(bus.ofType(ConsumerDataChangedEvent)[0]!.cpfs.sort()).toEqual([KNOWN, UNKNOWN].sort());
    });
  });

  it('never lets a rating computed before a pending debt becomes reportable outlive that instant', async () => {
    await report([register(OTHER, 'C-9')]);
    const pending = (await stored(OTHER)).debts[0]!;
    expect(pending.props.reportableFrom).toEqual(period.endsAt(NOW));
    expect((await stored(OTHER)).negativeRecordBoundaries(NOW)).toEqual([period.endsAt(NOW)]);
    expect((await stored(OTHER)).negativeRecordBoundaries(daysAfter(period.endsAt(NOW), 1))).not.toContainEqual(
      period.endsAt(NOW),
    );
  });
});
