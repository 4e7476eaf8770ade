import { Clock, Cpf } from '@app/shared-kernel';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsumerRepository } from '../ports/consumer.repository';
import { DemoMarks } from '../ports/demo-marks';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { TransactionStore } from '../ports/transaction.store';
import { RatingEngine } from '../rating-engine/rating-engine.service';
import { consumerFromInput } from '../upsert-consumer/upsert-consumer.handler';
import { ratingFeaturesFromInput } from '../upsert-rating-features/upsert-rating-features.handler';
import { validateEvents } from '../ingest-transactions/validate-events';
import { DEMO_CPF, generateDemoConsumers } from './demo-data';

export const DEMO_CONSUMER_COUNT = 'DEMO_CONSUMER_COUNT';

/**
 * Loads the demo base into empty stores, through the same domain factories the commands use. Every record it writes
 * is marked as demo in the stores that outlive the process (the consumer rows, the events, a list of the CPFs beside
 * B_RATING), so that `npm run demo -- remove` finds them. The configuration decides whether it runs (DEMO_CONSUMERS).
 */
@Injectable()
export class DemoDataLoader {
  private readonly logger = new Logger(DemoDataLoader.name);

  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly transactions: TransactionStore,
    private readonly engine: RatingEngine,
    private readonly clock: Clock,
    private readonly marks: DemoMarks,
    @Inject(DEMO_CONSUMER_COUNT) private readonly count: number,
  ) {}

  async loadIfEmpty(): Promise<number> {
    if (this.count <= 0) return 0;
    if (await this.consumers.findByCpf(Cpf.parse(DEMO_CPF))) {
      this.logger.log('demo data already present');
      return 0;
    }
    const started = Date.now();
    const now = this.clock.now();
    const demo = generateDemoConsumers(this.count, now);
    const consumers = demo.map((d) => consumerFromInput(d.consumer, now));
    type BulkSave = (c: typeof consumers, options: { demo: boolean }) => Promise<void>;
    const bulk = this.consumers as ConsumerRepository & { saveMany?: BulkSave };
    if (bulk.saveMany) await bulk.saveMany(consumers, { demo: true });
    else for (const c of consumers) await this.consumers.save(c);
    // B's list is written before B's documents: a load that dies half way still leaves what it wrote findable.
    await this.marks.markRatingSubjects(
      demo.map((d) => d.consumer.cpf),
      now,
    );
    for (const d of demo) await this.features.save(ratingFeaturesFromInput(d.features, now));
    const { valid, rejected } = validateEvents(
      demo.flatMap((d) => d.events),
      now,
    );
    if (rejected.length)
      throw new Error(`demo data generated ${rejected.length} invalid events: ${rejected[0].reason}`);
    for (let i = 0; i < valid.length; i += 5000) {
      await this.transactions.append(valid.slice(i, i + 5000), { demo: true });
    }
    await this.engine.rateCpfs(
      demo.map((d) => d.consumer.cpf),
      { correlationId: 'demo-data' },
    );
    this.logger.log(`loaded ${demo.length} demo consumers and ${valid.length} events in ${Date.now() - started} ms`);
    return demo.length;
  }
}
