import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ConsumerRater } from '../rate-consumer/consumer-rater.service';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';

/** New data for a CPF re-scores it, so the rating never lags the data it was built from. */
@EventsHandler(ConsumerDataChangedEvent)
export class RescoreOnChangeHandler implements IEventHandler<ConsumerDataChangedEvent> {
  private readonly logger = new Logger(RescoreOnChangeHandler.name);

  constructor(private readonly rater: ConsumerRater) {}

  async handle(event: ConsumerDataChangedEvent): Promise<void> {
    for (const cpf of new Set(event.cpfs)) {
      try {
        await this.rater.rate(cpf, event.metadata);
      } catch (error) {
        this.logger.error(`re-scoring after a ${event.dataClass} change failed: ${(error as Error).message}`);
      }
    }
  }
}
