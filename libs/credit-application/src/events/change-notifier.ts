import { Cpf } from '@app/shared-kernel';
import { Injectable, Optional } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { AnalysisCache } from '../ports/analysis.cache';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';
import { CorrectionNoticeEvent } from './correction-notice.event';
import { DebtNoticeEvent } from './debt-notice.event';
import { RatingChangedEvent } from './rating-changed.event';

export type ChangeEvent = ConsumerDataChangedEvent | RatingChangedEvent | CorrectionNoticeEvent | DebtNoticeEvent;

/**
 * Port: tells the other processes (and partners) about a change; RabbitMQ in production, absent in the embedded
 * default. publish() resolves once the broker has confirmed the event or a durable outbox holds it, and never rejects.
 */
export abstract class IntegrationEvents {
  abstract publish(event: ChangeEvent): Promise<void>;

  /** A batch, published side by side on the confirm channel: its confirms are awaited together, not one by one. */
  async publishMany(events: readonly ChangeEvent[]): Promise<void> {
    await Promise.all(events.map((e) => this.publish(e)));
  }
}

/**
 * What a command does once its change is stored, awaited before it answers or acks so that a crash cannot lose it:
 * the CPFs' cached analyses are evicted and the event is handed to the other processes. A redelivery or retry after
 * a crash notifies again (handlers notify for repeats too). docs/architecture.md, "A command completes only after…".
 */
@Injectable()
export class ChangeNotifier {
  constructor(
    private readonly cache: AnalysisCache,
    private readonly bus: EventBus,
    @Optional() private readonly integration?: IntegrationEvents,
  ) {}

  async notify(event: ChangeEvent): Promise<void> {
    await this.notifyMany([event]);
  }

  /** A window's changes: one eviction for all their CPFs, and the events handed over as one batch. */
  async notifyMany(events: readonly ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const cpfs = new Map<string, Cpf>();
    for (const event of events) {
      if (event instanceof RatingChangedEvent) cpfs.set(event.rating.cpf.value, event.rating.cpf);
      else if (event instanceof CorrectionNoticeEvent || event instanceof DebtNoticeEvent) {
        cpfs.set(Cpf.parse(event.cpf).value, Cpf.parse(event.cpf));
      } else for (const c of event.cpfs) cpfs.set(c, Cpf.parse(c));
    }
    await Promise.all([this.cache.invalidate([...cpfs.values()]), this.integration?.publishMany(events)]);
    for (const event of events) this.bus.publish(event);
  }
}
