import { Cpf, MessageMetadata } from '@app/shared-kernel';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { ConsumerDataChangedEvent } from './consumer-data-changed.event';

/** How long a changed CPF waits for more changes before it is re-scored: one rating however many events arrive. */
const RESCORE_COALESCE_MS = 100;

/**
 * New data for a CPF re-scores it, so the rating never lags the data it was built from. Only the embedded default
 * wires this (with RabbitMQ the rating worker re-scores from the events). CPFs changed close together are coalesced
 * and rated in windows by the rating engine, as the worker does.
 */
@EventsHandler(ConsumerDataChangedEvent)
export class RescoreOnChangeHandler implements IEventHandler<ConsumerDataChangedEvent>, OnApplicationShutdown {
  private readonly logger = new Logger(RescoreOnChangeHandler.name);
  private pending = new Map<string, { since: number; metadata: MessageMetadata }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly engine: RatingEngine) {}

  handle(event: ConsumerDataChangedEvent): void {
    for (const value of event.cpfs) {
      const cpf = Cpf.tryParse(value);
      if (!cpf) {
        this.logger.error(`re-scoring after a ${event.dataClass} change skipped a value that is not a CPF`);
        continue;
      }
      if (!this.pending.has(cpf.value)) this.pending.set(cpf.value, { since: Date.now(), metadata: event.metadata });
    }
    this.timer ??= setTimeout(() => void this.flush(), RESCORE_COALESCE_MS);
  }

  /** CPFs waiting to be re-scored, and how long the oldest has waited. */
  backlog(): { cpfsWaiting: number; oldestWaitMs: number } {
    const [oldest] = this.pending.values();
    return { cpfsWaiting: this.pending.size, oldestWaitMs: oldest ? Date.now() - oldest.since : 0 };
  }

  /** Resolves once everything changed so far is re-scored (tests, shutdown). */
  async drained(): Promise<void> {
    while (this.pending.size > 0 || this.timer) await this.flush();
    await this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drained();
  }

  private flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return this.flushing;
    const [first] = batch.values();
    this.flushing = this.flushing.then(async () => {
      try {
        const report = await this.engine.rateCpfs([...batch.keys()], first!.metadata);
        for (const f of report.failures) this.logger.error(`re-scoring a CPF failed: ${f.reason}`);
      } catch (error) {
        this.logger.error(`re-scoring ${batch.size} CPFs failed: ${(error as Error).message}`);
      }
    });
    return this.flushing;
  }
}
