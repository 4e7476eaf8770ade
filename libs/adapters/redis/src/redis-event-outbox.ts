import { EventFallback, OutgoingEvent, RabbitMqPublisher, parseOutgoingEvent, publishEvent } from '@app/platform';
import { Logger } from '@nestjs/common';
import { RedisClient, RedisLayout, layoutOf } from './redis-client';
import { JournalSink, RedisJournalRelay, RelayOptions } from './redis-journal-relay';
import { RedisJournalWriter } from './redis-journal-writer';
import { redisJournals } from './redis-keys';

/**
 * Where a change event goes when RabbitMQ cannot take it (the publisher's retries ran out): a Redis stream, from which
 * RedisEventOutboxRelay publishes it once the broker is back. keep() answers false when Redis cannot take it either.
 */
export class EventOutbox extends EventFallback {
  private readonly writer: RedisJournalWriter;

  constructor(redis: RedisClient, namespace: string, replicas = 0) {
    super();
    const journal = redisJournals.events(namespace, layoutOf(redis));
    const logger = new Logger(EventOutbox.name);
    this.writer = new RedisJournalWriter(redis, journal, 'event outbox unavailable', logger, replicas);
  }

  keep(event: OutgoingEvent): Promise<boolean> {
    return this.writer.append(JSON.stringify(event));
  }
}

function eventOutboxSink(
  publisher: RabbitMqPublisher,
  namespace: string,
  layout: RedisLayout,
): JournalSink<OutgoingEvent> {
  return {
    name: 'RabbitMQ events',
    ...redisJournals.events(namespace, layout),
    parse: parseOutgoingEvent,
    /**
     * In journal order, each confirmed before the next. A failure throws, so the whole batch stays in the outbox and
     * is tried again: the events already confirmed are published twice, which their consumers absorb (a change event
     * only invalidates and re-scores).
     */
    async deliver(events) {
      for (const e of events) await publishEvent(publisher, e);
      return events.map(() => null);
    },
  };
}

/** Publishes what the event outbox holds, in any process that has RabbitMQ and runs the relays (RUN_JOURNAL_RELAYS). */
export class RedisEventOutboxRelay extends RedisJournalRelay<OutgoingEvent> {
  constructor(redis: RedisClient, publisher: RabbitMqPublisher, namespace: string, options: RelayOptions = {}) {
    super(redis, eventOutboxSink(publisher, namespace, layoutOf(redis)), options);
  }
}
