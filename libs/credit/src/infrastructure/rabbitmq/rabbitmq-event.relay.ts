import { ConsumerDataChangedV1, EVENTS, EXCHANGES, RatingChangedV1, TransactionsIngestedV1 } from '@app/contracts';
import { RabbitMqPublisher } from '@app/platform';
import { Logger, Optional } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ConsumerDataChangedEvent } from '../../application/events/consumer-data-changed.event';
import { RatingChangedEvent } from '../../application/events/rating-changed.event';
import { EventOutbox, OutgoingEvent, publishEvent } from './event-outbox';

/**
 * Between processes, events travel over RabbitMQ (the in-process EventBus is fire-and-forget and local): the rating
 * worker re-scores from them and partners bind to rating changes. The publisher retries while the broker is away; if
 * it is still away when those retries run out, the message goes to the event outbox in Redis (when there is one),
 * from which a relay publishes it once the broker is back, instead of being dropped with a log line.
 */
@EventsHandler(ConsumerDataChangedEvent, RatingChangedEvent)
export class RabbitMqEventRelay implements IEventHandler<ConsumerDataChangedEvent | RatingChangedEvent> {
  private readonly logger = new Logger(RabbitMqEventRelay.name);

  constructor(
    private readonly publisher: RabbitMqPublisher,
    @Optional() private readonly outbox?: EventOutbox,
  ) {}

  async handle(event: ConsumerDataChangedEvent | RatingChangedEvent): Promise<void> {
    const message = outgoing(event);
    try {
      await publishEvent(this.publisher, message);
    } catch (error) {
      const reason = (error as Error).message;
      if (this.outbox && (await this.outbox.keep(message))) {
        this.logger.warn(`could not publish ${event.constructor.name} (${reason}); kept in the event outbox, published when RabbitMQ is back`);
        return;
      }
      // The data is stored; only the notification is lost. The next change or a regeneration job re-scores the CPF.
      this.logger.error(`could not publish ${event.constructor.name}, and no outbox could keep it: ${reason}`);
    }
  }
}

function outgoing(event: ConsumerDataChangedEvent | RatingChangedEvent): OutgoingEvent {
  const ids = { correlationId: event.metadata.correlationId, causationId: event.metadata.causationId };
  if (event instanceof RatingChangedEvent) {
    const r = event.rating.props;
    const payload: RatingChangedV1 = {
      cpf: r.cpf.value, score: r.score, band: r.band, probabilityOfDefault: r.probabilityOfDefault, modelVersion: r.modelVersion,
      previousScore: event.previousScore, generatedAt: r.generatedAt.toISOString(),
    };
    return { exchange: EXCHANGES.events, routingKey: EVENTS.ratingChanged, payload, ...ids };
  }
  if (event.dataClass === 'TRANSACTIONS') {
    const payload: TransactionsIngestedV1 = { batchId: event.metadata.causationId ?? event.metadata.correlationId, cpfs: event.cpfs };
    return { exchange: EXCHANGES.events, routingKey: EVENTS.transactionsIngested, payload, ...ids };
  }
  const payload: ConsumerDataChangedV1 = { cpfs: event.cpfs, dataClass: event.dataClass };
  return { exchange: EXCHANGES.events, routingKey: EVENTS.consumerDataChanged, payload, correlationId: event.metadata.correlationId };
}
