import { ConsumerDataChangedV1, EVENTS, EXCHANGES, RatingChangedV1, TransactionsIngestedV1 } from '@app/contracts';
import { RabbitMqPublisher } from '@app/platform';
import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ConsumerDataChangedEvent } from '../../application/events/consumer-data-changed.event';
import { RatingChangedEvent } from '../../application/events/rating-changed.event';

/**
 * Between processes, events travel over RabbitMQ (the in-process EventBus is fire-and-forget and local): the rating
 * worker re-scores from them and partners bind to rating changes.
 */
@EventsHandler(ConsumerDataChangedEvent, RatingChangedEvent)
export class RabbitMqEventRelay implements IEventHandler<ConsumerDataChangedEvent | RatingChangedEvent> {
  private readonly logger = new Logger(RabbitMqEventRelay.name);

  constructor(private readonly publisher: RabbitMqPublisher) {}

  async handle(event: ConsumerDataChangedEvent | RatingChangedEvent): Promise<void> {
    try {
      if (event instanceof RatingChangedEvent) {
        const r = event.rating.props;
        const payload: RatingChangedV1 = {
          cpf: r.cpf.value, score: r.score, band: r.band, probabilityOfDefault: r.probabilityOfDefault, modelVersion: r.modelVersion,
          previousScore: event.previousScore, generatedAt: r.generatedAt.toISOString(),
        };
        await this.publisher.publish(EXCHANGES.events, EVENTS.ratingChanged, payload, { correlationId: event.metadata.correlationId, causationId: event.metadata.causationId });
      } else if (event.dataClass === 'TRANSACTIONS') {
        const payload: TransactionsIngestedV1 = { batchId: event.metadata.causationId ?? event.metadata.correlationId, cpfs: event.cpfs };
        await this.publisher.publish(EXCHANGES.events, EVENTS.transactionsIngested, payload, { correlationId: event.metadata.correlationId, causationId: event.metadata.causationId });
      } else {
        const payload: ConsumerDataChangedV1 = { cpfs: event.cpfs, dataClass: event.dataClass };
        await this.publisher.publish(EXCHANGES.events, EVENTS.consumerDataChanged, payload, { correlationId: event.metadata.correlationId });
      }
    } catch (error) {
      // The data is stored; only the notification failed. The next change or a regeneration job re-scores the CPF.
      this.logger.error(`could not publish ${event.constructor.name}: ${(error as Error).message}`);
    }
  }
}
