import { Address, Consumer, Debt } from '@app/credit-domain';
import { AnalysisCache, CacheLookup, ConsumerRepository } from '@app/credit-application';
import { CalendarDate, Cpf } from '@app/shared-kernel';
import { uniqueCpf } from './unique-cpf';

export function consumerFor(cpf: Cpf, debtIds: string[], name = 'José da Silva'): Consumer {
  return Consumer.create({
    cpf,
    name,
    address: Address.create({
      street: 'Rua das Flores',
      number: '10',
      complement: 'Casa 2',
      district: 'Centro',
      city: 'Curitiba',
      state: 'PR',
      postalCode: '80010000',
    }),
    debts: debtIds.map((id, i) =>
      Debt.create({
        id,
        creditor: 'Financeira Aurora',
        creditorCnpj: '11222333000181',
        amountCents: 10_000 * (i + 1),
        dueDate: CalendarDate.fromString(`2026-0${(i % 9) + 1}-15`),
        status: 'OVERDUE',
        limitationDate: i === 0 ? CalendarDate.fromString('2030-01-01') : null,
      }),
    ),
    updatedAt: new Date('2026-11-25T12:00:00.000Z'),
  });
}

export function consumerRepositoryContract(make: () => Promise<ConsumerRepository> | ConsumerRepository): void {
  let repo: ConsumerRepository;
  beforeAll(async () => {
    repo = await make();
  });

  it('round-trips a consumer with debts and replaces the debt list atomically on save', async () => {
    const cpf = uniqueCpf();
    expect(await repo.findByCpf(cpf)).toBeNull();
    await repo.save(consumerFor(cpf, ['a', 'b', 'c']));
    const stored = await repo.findByCpf(cpf);
    expect(stored?.name).toBe('José da Silva');
    expect(stored?.address.toJSON()).toEqual(consumerFor(cpf, []).address.toJSON());
    expect(stored?.debts.map((d) => d.props).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      consumerFor(cpf, ['a', 'b', 'c']).debts.map((d) => d.props),
    );
    await repo.save(consumerFor(cpf, ['b'], 'José S.'));
    const replaced = await repo.findByCpf(cpf);
    expect(replaced?.name).toBe('José S.');
    expect(replaced?.debts.map((d) => d.id)).toEqual(['b']);
  });

  it('reads the debts of several consumers at once, an empty list for one without debts, and nothing for a stranger', async () => {
    const [many, none, stranger] = [uniqueCpf(), uniqueCpf(), uniqueCpf()];
    await repo.save(consumerFor(many, ['a', 'b']));
    await repo.save(consumerFor(none, []));
    const found = await repo.debtsOf([many, none, stranger, many]);
    expect([...found.keys()].sort()).toEqual([many.value, none.value].sort());
    const byId = (d: { id: string }, e: { id: string }) => d.id.localeCompare(e.id);
    expect(
      found
        .get(many.value)
        ?.debts.map((d) => d.props)
        .sort(byId),
    ).toEqual(
      consumerFor(many, ['a', 'b'])
        .debts.map((d) => d.props)
        .sort(byId),
    );
    expect(found.get(none.value)?.debts).toEqual([]);
    expect(found.get(many.value)?.debtSummary(new Date('2026-11-25T12:00:00Z'))).toEqual(
      consumerFor(many, ['a', 'b']).debtSummary(new Date('2026-11-25T12:00:00Z')),
    );
    expect(await repo.debtsOf([])).toEqual(new Map());
  });

  it("keeps a debt's notice period and source, for the consumer's reads and the rating's alike", async () => {
    const cpf = uniqueCpf();
    const base = consumerFor(cpf, ['fed']);
    const reportableFrom = new Date('2026-12-16T03:00:00.000Z');
    const fed = Debt.create({ ...base.debts[0]!.props, amountCents: 10_000, reportableFrom, reportedBy: 'amqp:acme' });
    await repo.save(
      Consumer.create({ cpf, name: base.name, address: base.address, debts: [fed], updatedAt: base.updatedAt }),
    );
    expect((await repo.findByCpf(cpf))?.debts[0]?.props).toMatchObject({ reportableFrom, reportedBy: 'amqp:acme' });
    const [debt] = (await repo.debtsOf([cpf])).get(cpf.value)!.debts;
    expect(debt!.isPendingNotice(new Date('2026-12-16T02:59:59.999Z'))).toBe(true);
    expect(debt!.isReportable(reportableFrom)).toBe(true);
  });
}

export function analysisCacheContract(make: () => Promise<AnalysisCache> | AnalysisCache): void {
  let cache: AnalysisCache;
  beforeAll(async () => {
    cache = await make();
  });

  it('misses, hits with the exact text stored, and misses again after invalidation', async () => {
    const cpf = uniqueCpf();
    const other = uniqueCpf();
    expect(await cache.get(cpf)).toBeNull();
    const json = JSON.stringify({ cpf: cpf.formatted, acentuação: 'ç', n: 1 });
    await cache.set(cpf, json, 60_000);
    await cache.set(other, '{"other":true}', 60_000);
    expect(await cache.get(cpf)).toBe(json);
    await cache.invalidate([cpf]);
    expect(await cache.get(cpf)).toBeNull();
    expect(await cache.get(other)).toBe('{"other":true}');
    expect(await cache.health()).toBe('up');
  });

  it('drops a fill whose ticket an invalidation made stale, keeps one whose ticket is current, and skips a null ticket', async () => {
    const cpf = uniqueCpf();
    const other = uniqueCpf();
    const ticketOf = (lookup: CacheLookup) => {
      if (lookup.json !== null) throw new Error(`expected a miss, got ${lookup.json}`);
      return lookup.ticket;
    };
    const before = ticketOf(await cache.lookup(cpf));
    expect(before).toEqual(expect.any(String));
    await cache.invalidate([cpf]);
    await cache.fill(cpf, '{"read":"before the change"}', 60_000, before);
    expect(await cache.get(cpf)).toBeNull();

    const after = ticketOf(await cache.lookup(cpf));
    expect(after).not.toBe(before);
    await cache.fill(cpf, '{"read":"after the change"}', 60_000, after);
    expect(await cache.lookup(cpf)).toEqual({ json: '{"read":"after the change"}' });

    await cache.fill(other, '{"unguarded":true}', 60_000, null);
    expect(await cache.get(other)).toBeNull();
  });

  it(
    'expires entries after their TTL, to the millisecond: an analysis must not outlive its earliest' + ' expiry',
    async () => {
      const cpf = uniqueCpf();
      const ticket = await cache.lookup(cpf);
      await cache.fill(cpf, '{"short":true}', 300, ticket.json === null ? ticket.ticket : null);
      expect(await cache.get(cpf)).toBe('{"short":true}');
      await new Promise((r) => setTimeout(r, 450));
      expect(await cache.get(cpf)).toBeNull();
    },
  );
}
