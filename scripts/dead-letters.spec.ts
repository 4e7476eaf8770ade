import { withSource } from './dead-letters';

describe('replaying an ingest batch keeps its sender', () => {
  const batch = { batchId: 'b-1', events: [{ eventId: 'e-1' }] };

  it('names the broker user that first sent a whole batch as its source', () => {
    expect(JSON.parse(withSource(Buffer.from(JSON.stringify(batch)), 'acme-financeira').toString())).toEqual({
      ...batch,
      source: 'amqp:acme-financeira',
    });
  });

  it('keeps the source a per-event dead letter already names', () => {
    const named = Buffer.from(JSON.stringify({ ...batch, source: 'api:Banco A' }));
    expect(withSource(named, 'platform')).toBe(named);
  });

  it('leaves a message without a known sender, or that is not JSON, as it was', () => {
    const body = Buffer.from(JSON.stringify(batch));
    expect(withSource(body, undefined)).toBe(body);
    const garbage = Buffer.from('{not json');
    expect(withSource(garbage, 'acme')).toBe(garbage);
  });
});
