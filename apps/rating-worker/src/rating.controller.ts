import { QUEUES, RatePartitionV1, RegenerateRatingsV1, RescoreConsumersV1 } from '@app/contracts';
import { RatePartitionCommand, RatingEngine, RegenerateRatingsCommand } from '@app/credit-application';
import { BatchOptions, BatchResult, PermanentMessageError, RabbitMqBatchContext, RabbitMqContext } from '@app/platform';
import { Cpf, newId } from '@app/shared-kernel';
import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { measurePartition, recordRatings } from './rating-metrics';

/**
 * Rescore messages are coalesced: however many ingested batches named a CPF while the previous batch was being rated,
 * it is rated once. The prefetch of the queue must let the worker hold a full batch and the next one.
 */
const RESCORE_BATCH: BatchOptions = { maxMessages: 200, maxWaitMs: 250 };
export const RESCORE_PREFETCH = RESCORE_BATCH.maxMessages * 2;
/** Partitions a worker rates at once: one rates while the other waits on its stores. */
export const PARTITION_PREFETCH = 2;

/** What re-scoring has done since the worker started: how much coalescing saved shows in messages against CPFs. */
interface RescoreStats {
  batches: number;
  messages: number;
  cpfsRated: number;
}

@Controller()
export class RatingController {
  readonly rescoreStats: RescoreStats = { batches: 0, messages: 0, cpfsRated: 0 };

  constructor(
    private readonly commands: CommandBus,
    private readonly engine: RatingEngine,
  ) {}

  /** Fans the job out into partition messages, then acks. */
  @MessagePattern(QUEUES.regenerateRatings)
  regenerate(@Payload() message: RegenerateRatingsV1, @Ctx() ctx: RabbitMqContext): Promise<number> {
    return this.commands.execute(
      new RegenerateRatingsCommand(message.jobId, {
        correlationId: ctx.correlationId ?? newId(),
        causationId: message.jobId,
      }),
    );
  }

  /** Held unacknowledged while the partition is rated: if this worker dies, the broker hands it to another. */
  @MessagePattern(QUEUES.ratePartition)
  ratePartition(@Payload() message: RatePartitionV1, @Ctx() ctx: RabbitMqContext): Promise<void> {
    const metadata = { correlationId: ctx.correlationId ?? newId(), causationId: message.jobId };
    const command = new RatePartitionCommand(message.jobId, message.partition, metadata, ctx.lastAttempt);
    return measurePartition(() => this.commands.execute(command));
  }

  /**
   * Explicit requests and the change events bound to this queue (new transactions, consumer or feature changes), a
   * batch at a time: the CPFs of all its messages are rated once each, in windows. A message fails on its own,
   * dead-lettered with the reason, when one of its CPFs is invalid or its stored data cannot be rated; the others are
   * acked. A store that fails fails the whole batch, which is retried.
   */
  @MessagePattern(QUEUES.rescoreConsumers, { batch: RESCORE_BATCH })
  async rescore(@Payload() messages: RescoreConsumersV1[], @Ctx() batch: RabbitMqBatchContext): Promise<BatchResult> {
    const results: BatchResult = messages.map(() => null);
    const fresh = new Set<string>();
    const again = new Set<string>();
    messages.forEach((message, i) => {
      const cpfs = message.cpfs.map((c) => Cpf.tryParse(c));
      const bad = cpfs.findIndex((c) => c === null);
      if (bad >= 0) results[i] = new PermanentMessageError('CPF_INVALID', 'check digits do not match', `cpfs[${bad}]`);
      // Handled before, in part: a rating stored then may never have been announced, so unchanged ones are announced
      // again.
      else for (const c of cpfs) (batch.contexts[i]!.deliveredBefore ? again : fresh).add(c!.value);
    });
    const metadata = { correlationId: batch.contexts[0]?.correlationId ?? newId() };
    const failures = new Map<string, string>();
    for (const [cpfs, options] of [
      [again, { resend: { since: new Date(0) } }],
      [fresh, {}],
    ] as const) {
      if (cpfs.size === 0) continue;
      const report = await this.engine.rateCpfs([...cpfs], metadata, options);
      recordRatings('rescore', report.counts);
      this.rescoreStats.cpfsRated += report.counts.processed;
      for (const f of report.failures) failures.set(f.cpf, f.reason);
    }
    this.rescoreStats.batches += 1;
    this.rescoreStats.messages += messages.length;
    messages.forEach((message, i) => {
      if (results[i]) return;
      const failed = message.cpfs.map((c) => Cpf.parse(c).value).find((c) => failures.has(c));
      // Stored data a rating cannot use: retrying will not help, an operator must look (and may replay it).
      if (failed) results[i] = new PermanentMessageError('RATING_FAILED', failures.get(failed)!);
    });
    return results;
  }
}
