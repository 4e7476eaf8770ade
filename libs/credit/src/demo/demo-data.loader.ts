import { Clock, Cpf } from '@app/shared-kernel';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsumerRepository } from '../application/ports/consumer.repository';
import { RatingFeaturesRepository } from '../application/ports/rating-features.repository';
import { TransactionStore } from '../application/ports/transaction.store';
import { RatingEngine } from '../application/rating-engine/rating-engine.service';
import { consumerFromInput } from '../application/upsert-consumer/upsert-consumer.handler';
import { ratingFeaturesFromInput } from '../application/upsert-rating-features/upsert-rating-features.handler';
import { validateEvents } from '../application/ingest-transactions/validate-events';
import { DEMO_CPF, generateDemoConsumers } from './demo-data';

export const DEMO_CONSUMER_COUNT = 'DEMO_CONSUMER_COUNT';

/** Loads the demo base into empty stores, through the same domain factories the commands use. */
@Injectable()
export class DemoDataLoader {
  private readonly logger = new Logger(DemoDataLoader.name);

  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly transactions: TransactionStore,
    private readonly engine: RatingEngine,
    private readonly clock: Clock,
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
    const bulk = this.consumers as ConsumerRepository & { saveMany?: (c: typeof consumers) => Promise<void> };
    if (bulk.saveMany) await bulk.saveMany(consumers);
    else for (const c of consumers) await this.consumers.save(c);
    for (const d of demo) await this.features.save(ratingFeaturesFromInput(d.features, now));
    const { valid, rejected } = validateEvents(demo.flatMap((d) => d.events), now);
    if (rejected.length) throw new Error(`demo data generated ${rejected.length} invalid events: ${rejected[0].reason}`);
    for (let i = 0; i < valid.length; i += 5000) await this.transactions.append(valid.slice(i, i + 5000));
    await this.engine.rateCpfs(demo.map((d) => d.consumer.cpf), { correlationId: 'demo-data' });
    this.logger.log(`loaded ${demo.length} demo consumers and ${valid.length} events in ${Date.now() - started} ms`);
    return demo.length;
  }
}
