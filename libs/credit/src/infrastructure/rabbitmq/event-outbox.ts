import { RabbitMqPublisher } from '@app/platform';
import { Logger } from '@nestjs/common';
import { RedisClient, RedisLayout, layoutOf } from '../redis/redis-client';
import { JournalSink, RedisJournalRelay, RelayOptions } from '../redis/redis-journal-relay';
import { RedisJournalWriter } from '../redis/redis-journal-writer';
import { redisJournals } from '../redis/redis-keys';

/** A message for the events exchange, as RabbitMqEventRelay would have published it. */
export interface OutgoingEvent {
  exchange: string;
  routingKey: string;
  payload: unknown;
  correlationId?: string;
  causationId?: string;
}

/** Reads one outbox entry back; throws, naming the field, when it is not one (the relay dead-letters it). */
export function parseOutgoingEvent(raw: string | undefined): OutgoingEvent {
  if (raw === undefined) throw new Error('entry: missing');
  const value = JSON.parse(raw) as Partial<OutgoingEvent>;
  if (typeof value.exchange !== 'string' || value.exchange === '') throw new Error('exchange: must be a non-empty string');
  if (typeof value.routingKey !== 'string' || value.routingKey === '') throw new Error('routingKey: must be a non-empty string');
  if (value.payload === undefined) throw new Error('payload: missing');
  for (const field of ['correlationId', 'causationId'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') throw new Error(`${field}: must be a string`);
  }
  return { exchange: value.exchange, routingKey: value.routingKey, payload: value.payload, correlationId: value.correlationId, causationId: value.causationId };
}

/**
 * Where a change event goes when RabbitMQ cannot take it (the publisher's retries ran out): a Redis stream, from which
 * RedisEventOutboxRelay publishes it once the broker is back. keep() answers false when Redis cannot take it either.
 */
export class EventOutbox {
  private readonly writer: RedisJournalWriter;

  constructor(redis: RedisClient, namespace: string, replicas = 0) {
    const journal = redisJournals.events(namespace, layoutOf(redis));
    const logger = new Logger(EventOutbox.name);
    this.writer = new RedisJournalWriter(redis, journal, 'event outbox unavailable', logger, replicas);
  }

  keep(event: OutgoingEvent): Promise<boolean> {
    return this.writer.append(JSON.stringify(event));
  }
}

/** Publishes one event with confirms, as RabbitMqEventRelay does first and the outbox relay does later. */
export function publishEvent(publisher: RabbitMqPublisher, event: OutgoingEvent): Promise<void> {
  return publisher.publish(event.exchange, event.routingKey, event.payload, { correlationId: event.correlationId, causationId: event.causationId });
}

export function eventOutboxSink(
  publisher: RabbitMqPublisher, namespace: string, layout: RedisLayout,
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
