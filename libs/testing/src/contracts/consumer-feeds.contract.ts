import { ConsumerFeeds, debtKey, ConsumerRepository } from '@app/credit-application';
import { Address, Debt } from '@app/credit-domain';
import { aDebt } from '../mothers/consumer.mother';
import { NOW, daysAfter } from '../mothers/dates.mother';
import { uniqueCpf } from './unique-cpf';

const address = (city: string) =>
  Address.create({
    street: 'Rua das Flores',
    number: '12',
    district: 'Centro',
    city,
    state: 'MG',
    postalCode: '30110-000',
  });

/** What every adapter of the feeds port must do, on whatever store it writes. */
export function consumerFeedsContract(make: () => { feeds: ConsumerFeeds; consumers: ConsumerRepository }): void {
  const pending = (id: string): Debt => aDebt({ id, reportableFrom: daysAfter(NOW, 11), reportedBy: 'amqp:acme' });

  it('creates consumers from records, and replaces name and address later, keeping their debts', async () => {
    const { feeds, consumers } = make();
    const [a, b] = [uniqueCpf(), uniqueCpf()];
    await feeds.saveRecords(
      [
        { cpf: a, name: 'Ana Lima', address: address('Belo Horizonte') },
        { cpf: b, name: 'Bruno Dias', address: address('Contagem') },
      ],
      NOW,
    );
    await feeds.changeDebts([{ cpf: a, debtId: 'd-1' }], () => ({
      writes: { upserts: [{ cpf: a, debt: pending('d-1') }], removals: [], touched: [a], at: NOW },
      result: null,
    }));
    await feeds.saveRecords([{ cpf: a, name: 'Ana Lima Souza', address: address('Uberaba') }], daysAfter(NOW, 1));
    const stored = (await consumers.findByCpf(a))!;
    expect([stored.name, stored.address.props.city, stored.debts.map((d) => d.id)]).toEqual([
      'Ana Lima Souza',
      'Uberaba',
      ['d-1'],
    ]);
    expect((await consumers.findByCpf(b))!.name).toBe('Bruno Dias');
  });

  it("hands decide the consumers that exist and the debts named, with the consumer's contact on demand", async () => {
    const { feeds } = make();
    const [known, unknown] = [uniqueCpf(), uniqueCpf()];
    await feeds.saveRecords([{ cpf: known, name: 'Carla Nunes', address: address('Ipatinga') }], NOW);
    await feeds.changeDebts(
      [
        { cpf: known, debtId: 'x' },
        { cpf: known, debtId: 'y' },
      ],
      () => ({
        writes: { upserts: [{ cpf: known, debt: pending('x') }], removals: [], touched: [known], at: NOW },
        result: null,
      }),
    );
    const held = await feeds.changeDebts(
      [
        { cpf: known, debtId: 'x' },
        { cpf: unknown, debtId: 'x' },
      ],
      (h) => ({
        writes: { upserts: [], removals: [], touched: [], at: NOW },
        result: h,
      }),
    );
    expect([...held.consumers.keys()]).toEqual([known.value]);
    expect(held.consumers.get(known.value)!.contact()).toEqual({
      name: 'Carla Nunes',
      address: address('Ipatinga').toJSON(),
    });
    expect([...held.debts.keys()]).toEqual([debtKey(known.value, 'x')]);
    expect(held.debts.get(debtKey(known.value, 'x'))!.props).toMatchObject({
      reportedBy: 'amqp:acme',
      reportableFrom: daysAfter(NOW, 11),
    });
  });

  it('writes upserts and removals, and nothing at all when decide throws', async () => {
    const { feeds, consumers } = make();
    const cpf = uniqueCpf();
    await feeds.saveRecords([{ cpf, name: 'Davi Rocha', address: address('Juiz de Fora') }], NOW);
    const write = (upserts: Debt[], removals: string[]) =>
      feeds.changeDebts(
        [...upserts.map((d) => ({ cpf, debtId: d.id })), ...removals.map((debtId) => ({ cpf, debtId }))],
        () => ({
          writes: {
            upserts: upserts.map((debt) => ({ cpf, debt })),
            removals: removals.map((debtId) => ({ cpf, debtId })),
            touched: [cpf],
            at: NOW,
          },
          result: null,
        }),
      );
    await write([pending('a'), pending('b')], []);
    await write([Debt.create({ ...pending('a').props, amountCents: 7_000 })], ['b']);
    const ids = async () => (await consumers.findByCpf(cpf))!.debts.map((d) => [d.id, d.props.amount.cents]);
    expect(await ids()).toEqual([['a', 7_000]]);
    await expect(
      feeds.changeDebts([{ cpf, debtId: 'a' }], () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await ids()).toEqual([['a', 7_000]]);
  });
}
