import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ConsumerRater, RATING_WINDOW } from '../rate-consumer/consumer-rater.service';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';

/**
 * New data for a CPF re-scores it, so the rating never lags the data it was built from. Only the embedded default
 * wires this: with RabbitMQ the rating worker re-scores from the events. The CPFs are rated in windows of
 * RATING_WINDOW, each window's C summaries read at once, as the rating worker does.
 */
@EventsHandler(ConsumerDataChangedEvent)
export class RescoreOnChangeHandler implements IEventHandler<ConsumerDataChangedEvent> {
  private readonly logger = new Logger(RescoreOnChangeHandler.name);

  constructor(private readonly rater: ConsumerRater) {}

  async handle(event: ConsumerDataChangedEvent): Promise<void> {
    const cpfs = [...new Set(event.cpfs)];
    for (let i = 0; i < cpfs.length; i += RATING_WINDOW) {
      const outcomes = await this.rater.rateMany(cpfs.slice(i, i + RATING_WINDOW).map((cpf) => ({ cpf })), event.metadata);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') this.logger.error(`re-scoring after a ${event.dataClass} change failed: ${(outcome.reason as Error).message}`);
      }
    }
  }
}
