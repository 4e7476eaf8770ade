import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ConsumerRater } from '../rate-consumer/consumer-rater.service';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';

/**
 * New data for a CPF re-scores it, so the rating never lags the data it was built from. Only the embedded default
 * wires this: with RabbitMQ the rating worker re-scores from the events. The CPFs are rated as the rating
 * worker rates them (ConsumerRater.rateAll: windows, each window's C summaries read at once).
 */
@EventsHandler(ConsumerDataChangedEvent)
export class RescoreOnChangeHandler implements IEventHandler<ConsumerDataChangedEvent> {
  private readonly logger = new Logger(RescoreOnChangeHandler.name);

  constructor(private readonly rater: ConsumerRater) {}

  async handle(event: ConsumerDataChangedEvent): Promise<void> {
    for (const outcome of await this.rater.rateAll(event.cpfs, event.metadata)) {
      if (outcome.status === 'rejected') this.logger.error(`re-scoring after a ${event.dataClass} change failed: ${(outcome.reason as Error).message}`);
    }
  }
}
