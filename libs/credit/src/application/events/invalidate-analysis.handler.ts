import { Cpf } from '@app/shared-kernel';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { AnalysisCache } from '../ports/analysis.cache';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';

@EventsHandler(ConsumerDataChangedEvent)
export class InvalidateAnalysisHandler implements IEventHandler<ConsumerDataChangedEvent> {
  constructor(private readonly cache: AnalysisCache) {}

  async handle(event: ConsumerDataChangedEvent): Promise<void> {
    await this.cache.invalidate(event.cpfs.map((c) => Cpf.parse(c)));
  }
}
