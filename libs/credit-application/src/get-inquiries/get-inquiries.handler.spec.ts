import { FixedClock } from '@app/shared-kernel';
import { NOW, VALID_CPF, aMovementInput, anEvent, anInquiryInput, cpfFromBase } from '@app/testing';
import { InMemoryTransactionStore } from '@app/adapters/embedded';
import { GetInquiriesHandler, INQUIRY_LOOKBACK_MONTHS } from './get-inquiries.handler';
import { GetInquiriesQuery } from './get-inquiries.query';

describe('GetInquiriesHandler', () => {
  let handler: GetInquiriesHandler;

  beforeEach(async () => {
    const store = new InMemoryTransactionStore();
    handler = new GetInquiriesHandler(store, new FixedClock(NOW));
    await store.append([
      anEvent(
        anInquiryInput({
          eventId: 'i-1m',
          occurredAt: '2025-05-15T12:00:00Z',
          inquirer: 'Banco A',
          purpose: 'CREDIT_GRANTING',
        }),
      ),
      anEvent(
        anInquiryInput({
          eventId: 'i-5m',
          occurredAt: '2025-01-15T12:00:00Z',
          inquirer: 'Banco B',
          purpose: 'RENTAL_GUARANTEE',
        }),
      ),
      anEvent(anInquiryInput({ eventId: 'i-6m', occurredAt: '2024-12-15T12:00:00Z', inquirer: 'Banco C' })),
      anEvent(anInquiryInput({ eventId: 'i-7m', occurredAt: '2024-11-15T12:00:00Z', inquirer: 'Banco D' })),
      anEvent(aMovementInput({ eventId: 'not-an-inquiry', occurredAt: '2025-05-20T12:00:00Z' })),
      anEvent(
        anInquiryInput({ eventId: 'other-cpf', cpf: cpfFromBase(987_654_321), occurredAt: '2025-05-20T12:00:00Z' }),
      ),
    ]);
  });

  it(`looks back ${INQUIRY_LOOKBACK_MONTHS} months by default, listing who asked, why and when, newest first`, async () => {
    const view = await handler.execute(new GetInquiriesQuery(VALID_CPF, null, 100));
    expect(view.cpf).toBe('123.456.789-09');
    expect(view.since).toBe('2024-12-15T03:00:00.000Z');
    expect(view.inquiries).toEqual([
      { eventId: 'i-1m', inquirer: 'Banco A', purpose: 'CREDIT_GRANTING', occurredAt: '2025-05-15T12:00:00.000Z' },
      { eventId: 'i-5m', inquirer: 'Banco B', purpose: 'RENTAL_GUARANTEE', occurredAt: '2025-01-15T12:00:00.000Z' },
      { eventId: 'i-6m', inquirer: 'Banco C', purpose: 'CREDIT_GRANTING', occurredAt: '2024-12-15T12:00:00.000Z' },
    ]);
  });

  it('looks back to an explicit date instead', async () => {
    const view = await handler.execute(new GetInquiriesQuery('123.456.789-09', new Date('2020-01-01T00:00:00Z'), 100));
    expect(view.since).toBe('2020-01-01T00:00:00.000Z');
    expect(view.inquiries.map((i) => i.eventId)).toEqual(['i-1m', 'i-5m', 'i-6m', 'i-7m']);
  });

  it('returns at most limit inquiries, the newest', async () => {
    const view = await handler.execute(new GetInquiriesQuery(VALID_CPF, null, 2));
    expect(view.inquiries.map((i) => i.eventId)).toEqual(['i-1m', 'i-5m']);
  });

  it('rejects an invalid CPF with CPF_INVALID', async () => {
    await expect(handler.execute(new GetInquiriesQuery('111.111.111-11', null, 10))).rejects.toMatchObject({
      code: 'CPF_INVALID',
    });
  });
});
