import { RabbitMqPublisher } from './rabbitmq.publisher';

/** A message for the events exchange, as the RabbitMQ event relay would have published it. */
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
  if (typeof value.exchange !== 'string' || value.exchange === '')
    throw new Error('exchange: must be a non-empty string');
  if (typeof value.routingKey !== 'string' || value.routingKey === '')
    throw new Error('routingKey: must be a non-empty string');
  if (value.payload === undefined) throw new Error('payload: missing');
  for (const field of ['correlationId', 'causationId'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') throw new Error(`${field}: must be a string`);
  }
  return {
    exchange: value.exchange,
    routingKey: value.routingKey,
    payload: value.payload,
    correlationId: value.correlationId,
    causationId: value.causationId,
  };
}

/** Publishes one event with confirms, as RabbitMqEventRelay does first and the outbox relay does later. */
export function publishEvent(publisher: RabbitMqPublisher, event: OutgoingEvent): Promise<void> {
  return publisher.publish(event.exchange, event.routingKey, event.payload, {
    correlationId: event.correlationId,
    causationId: event.causationId,
  });
}

/**
 * Where an event goes when the broker cannot take it in time (an outbox in another store), so a change's
 * notification outlives a broker outage; keep() answers false when that store cannot take it either.
 */
export abstract class EventFallback {
  abstract keep(event: OutgoingEvent): Promise<boolean>;
}
