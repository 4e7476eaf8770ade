import { Cpf, FixedClock, ValidationError } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingEventBus,
  VALID_CPF,
  aConsumerInput,
  aDebtInput,
} from '@app/testing';
import { InMemoryAnalysisCache } from '@app/adapters/embedded';
import { NoticePeriod } from '@app/credit-domain';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { DebtNoticeEvent } from '../events/debt-notice.event';
import { UpsertConsumerCommand } from './upsert-consumer.command';
import { UpsertConsumerHandler } from './upsert-consumer.handler';

const metadata = { correlationId: 'corr-7' };

describe('UpsertConsumerHandler', () => {
  let consumers: InMemoryConsumerRepository;
  let bus: RecordingEventBus;
  let cache: InMemoryAnalysisCache;
  let handler: UpsertConsumerHandler;

  beforeEach(() => {
    consumers = new InMemoryConsumerRepository();
    bus = new RecordingEventBus();
    cache = new InMemoryAnalysisCache();
    handler = new UpsertConsumerHandler(consumers, new FixedClock(NOW), bus.notifier(cache), new NoticePeriod(10));
  });

  async function rejection(input: ReturnType<typeof aConsumerInput>): Promise<ValidationError> {
    const error = await handler.execute(new UpsertConsumerCommand(input, metadata)).catch((e: unknown) => e);
    if (error instanceof ValidationError) return error;
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  }

  it('reports created true for a new consumer and false when it replaces one', async () => {
    expect(await handler.execute(new UpsertConsumerCommand(aConsumerInput(), metadata))).toEqual({ created: true });
    expect(
      await handler.execute(new UpsertConsumerCommand(aConsumerInput({ name: 'Maria S. Santos' }), metadata)),
    ).toEqual({ created: false });
    expect(consumers.size()).toBe(1);
    expect((await consumers.findByCpf(Cpf.parse(VALID_CPF)))?.name).toBe('Maria S. Santos');
  });

  it('treats the formatted and digit forms of a CPF as the same consumer', async () => {
    await handler.execute(new UpsertConsumerCommand(aConsumerInput({ cpf: '123.456.789-09' }), metadata));
    expect(await handler.execute(new UpsertConsumerCommand(aConsumerInput({ cpf: VALID_CPF }), metadata))).toEqual({
      created: false,
    });
  });

  it('stores the consumer through the domain rules: normalised name, parsed debts, clock time', async () => {
    await handler.execute(
      new UpsertConsumerCommand(
        aConsumerInput({ name: ' Maria   Santos ', debts: [aDebtInput({ id: 'd-1', dueDate: '2025-05-06' })] }),
        metadata,
      ),
    );
    const stored = await consumers.findByCpf(Cpf.parse(VALID_CPF));
    expect(stored?.name).toBe('Maria Santos');
    expect(stored?.updatedAt).toEqual(NOW);
    expect(stored?.debts.map((d) => [d.id, d.props.dueDate.toString(), d.props.creditorCnpj])).toEqual([
      ['d-1', '2025-05-06', '11222333000181'],
    ]);
  });

  it('replaces the debt list as a whole', async () => {
    await handler.execute(
      new UpsertConsumerCommand(
        aConsumerInput({ debts: [aDebtInput({ id: 'd-1' }), aDebtInput({ id: 'd-2' })] }),
        metadata,
      ),
    );
    await handler.execute(new UpsertConsumerCommand(aConsumerInput({ debts: [aDebtInput({ id: 'd-3' })] }), metadata));
    expect((await consumers.findByCpf(Cpf.parse(VALID_CPF)))?.debts.map((d) => d.id)).toEqual(['d-3']);
  });

  it('announces the change as CONSUMER data of that CPF, its cached analysis already evicted when the command completes', async () => {
    await cache.set(Cpf.parse(VALID_CPF), '{"stale":true}', 300_000);
    await handler.execute(new UpsertConsumerCommand(aConsumerInput({ cpf: '123.456.789-09' }), metadata));
    expect(await cache.get(Cpf.parse(VALID_CPF))).toBeNull();
    expect(bus.published).toEqual([new ConsumerDataChangedEvent([VALID_CPF], 'CONSUMER', metadata)]);
  });

  it('rejects an invalid CPF with CPF_INVALID, storing and announcing nothing', async () => {
    expect(await rejection(aConsumerInput({ cpf: '123.456.789-00' }))).toMatchObject({
      code: 'CPF_INVALID',
      field: 'cpf',
    });
    expect(consumers.size()).toBe(0);
    expect(bus.published).toEqual([]);
  });

  it('names the debt and field of an invalid due date', async () => {
    const error = await rejection(
      aConsumerInput({ debts: [aDebtInput({ id: 'd-1' }), aDebtInput({ id: 'd-2', dueDate: '06/05/2025' })] }),
    );
    expect(error).toMatchObject({ code: 'DATE_INVALID', field: 'debts[1].dueDate' });
    expect(consumers.size()).toBe(0);
  });

  it('names the debt of an invalid CNPJ', async () => {
    expect(
      await rejection(aConsumerInput({ debts: [aDebtInput({ creditorCnpj: '11.222.333/0001-00' })] })),
    ).toMatchObject({ code: 'CNPJ_INVALID', field: 'debts[0].creditorCnpj' });
  });

  it('rejects duplicated debt ids, leaving the stored consumer untouched', async () => {
    await handler.execute(new UpsertConsumerCommand(aConsumerInput({ debts: [aDebtInput({ id: 'keep' })] }), metadata));
    expect(
      await rejection(aConsumerInput({ debts: [aDebtInput({ id: 'x' }), aDebtInput({ id: 'x' })] })),
    ).toMatchObject({ code: 'DEBT_DUPLICATED' });
    expect((await consumers.findByCpf(Cpf.parse(VALID_CPF)))?.debts.map((d) => d.id)).toEqual(['keep']);
  });

  it("holds a debt new to the list pending until the consumer's notice period has run, and sends the notice", async () => {
    await handler.execute(new UpsertConsumerCommand(aConsumerInput({ debts: [aDebtInput({ id: 'new' })] }), metadata));
    const [debt] = (await consumers.findByCpf(Cpf.parse(VALID_CPF)))!.debts;
    expect(debt!.isPendingNotice(NOW)).toBe(true);
    expect(debt!.props.reportableFrom).toEqual(new NoticePeriod(10).endsAt(NOW));
    expect(bus.ofType(DebtNoticeEvent).map((n) => n.debts.map((d) => d.debtId))).toEqual([['new']]);
  });
});
