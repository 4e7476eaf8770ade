import { TopologyMismatchError, queueArguments } from './rabbitmq.topology';

describe('queue declarations', () => {
  const classic = { retryDelayMs: 2_000 };
  const quorum = { retryDelayMs: 2_000, queueType: 'quorum' as const, deliveryLimit: 7 };
  const safe = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };

  it('declares classic queues as before when no type is asked for', () => {
    expect(queueArguments('work', 'q', classic)).toEqual({
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'q.retry',
    });
    expect(queueArguments('retry', 'q', classic)).toEqual({
      'x-message-ttl': 2_000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'q',
    });
    expect(queueArguments('dead', 'q', classic)).toEqual({});
  });

  it('replicates every queue as a quorum queue, with dead-lettering that waits for the next queue', () => {
    // No x-delivery-limit: the broker would send such a message round Q.retry, a cycle it refuses to complete.
    expect(queueArguments('work', 'q', quorum)).toEqual({
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'q.retry',
      ...safe,
    });
    expect(queueArguments('retry', 'q', quorum)).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 2_000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'q',
      ...safe,
    });
    expect(queueArguments('dead', 'q', quorum)).toEqual({ 'x-queue-type': 'quorum' });
  });

  it('says, when an existing queue has another type, that a queue cannot change type in place, and the way on', () => {
    const reply =
      "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': " +
      "received the value 'quorum' of type 'longstr' but current is none";
    const error = new TopologyMismatchError('queue', 'q', reply);
    expect(error.message).toContain('"q" already exists with other settings');
    expect(error.message).toContain('a queue cannot change type in place');
    expect(error.message).toContain('RABBITMQ_QUEUE_TYPE');
    // The broker names the first argument that differs, which may be one only quorum queues are declared with.
    const overflow = new TopologyMismatchError('queue', 'q', "inequivalent arg 'x-overflow' for queue 'q'");
    expect(overflow.message).toContain('a queue cannot change type in place');
    const ttl = new TopologyMismatchError('queue', 'q', "inequivalent arg 'x-message-ttl'");
    expect(ttl.message).not.toContain('change type');
  });
});
