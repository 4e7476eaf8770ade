import { Cpf } from '@app/shared-kernel';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { AnalysisCache } from '../ports/analysis.cache';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';
import { RatingChangedEvent } from './rating-changed.event';

/** Any change to a CPF's data makes its cached analysis stale; the process that made the change evicts it at once. */
@EventsHandler(ConsumerDataChangedEvent, RatingChangedEvent)
export class InvalidateAnalysisHandler implements IEventHandler<ConsumerDataChangedEvent | RatingChangedEvent> {
  constructor(private readonly cache: AnalysisCache) {}

  async handle(event: ConsumerDataChangedEvent | RatingChangedEvent): Promise<void> {
    const cpfs = event instanceof RatingChangedEvent ? [event.rating.cpf] : event.cpfs.map((c) => Cpf.parse(c));
    await this.cache.invalidate(cpfs);
  }
}
