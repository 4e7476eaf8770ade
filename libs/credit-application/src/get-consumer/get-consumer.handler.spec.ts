import { FixedClock } from '@app/shared-kernel';
import { InMemoryConsumerRepository, NOW, TODAY, aConsumer, aDebt, cpfFromBase, daysAgo } from '@app/testing';
import { GetConsumerHandler } from './get-consumer.handler';
import { GetConsumerQuery } from './get-consumer.query';

describe('GetConsumerHandler', () => {
  it('shows the data subject every debt held, flagging those a report may no longer show', async () => {
    const consumers = new InMemoryConsumerRepository();
    await consumers.save(
      aConsumer({
        debts: [
          aDebt({ id: 'recent', dueDate: daysAgo(40) }),
          aDebt({ id: 'ancient', dueDate: TODAY.plusYears(-6), limitationDate: TODAY.plusYears(-1) }),
        ],
      }),
    );
    const view = await new GetConsumerHandler(consumers, new FixedClock(NOW)).execute(
      new GetConsumerQuery('12345678909'),
    );
    expect(view).toMatchObject({ cpf: '123.456.789-09', name: 'Maria da Silva Santos', updatedAt: NOW.toISOString() });
    expect(view.address).toMatchObject({ state: 'SP', postalCode: '01310200' });
    expect(view.debts).toEqual([
      expect.objectContaining({ id: 'recent', daysOverdue: 40, reportable: true, limitationDate: null }),
      expect.objectContaining({ id: 'ancient', reportable: false, limitationDate: TODAY.plusYears(-1).toString() }),
    ]);
  });

  it('answers CONSUMER_NOT_FOUND for an unknown CPF', async () => {
    const handler = new GetConsumerHandler(new InMemoryConsumerRepository(), new FixedClock(NOW));
    await expect(handler.execute(new GetConsumerQuery(cpfFromBase(987_654_321)))).rejects.toMatchObject({
      code: 'CONSUMER_NOT_FOUND',
    });
  });
});
