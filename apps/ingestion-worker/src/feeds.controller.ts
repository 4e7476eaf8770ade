import {
  ConsumerRecordsV1,
  DebtReportsV1,
  QUEUES,
  Schemas,
  checkItems,
  validateConsumerRecordPayload,
  validateDebtReportPayload,
} from '@app/contracts';
import { BROKER_USER, PartnerReceipts, verifiedSource } from '@app/adapters/rabbitmq';
import {
  ConsumerRecordInput,
  FeedBatch,
  FeedBatchResult,
  RecordConsumersCommand,
  ReportDebtsCommand,
  amqpSource,
} from '@app/credit-application';
import { DebtReportInput } from '@app/credit-domain';
import {
  BatchResult,
  PermanentMessageError,
  RabbitMqBatchContext,
  RabbitMqContext,
  recordRejectedItems,
} from '@app/platform';
import { newId } from '@app/shared-kernel';
import { Controller, Inject, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';

/** Messages handled together: their items go to the database in one transaction, a few statements in all. */
export const FEED_BATCH = { maxMessages: 16, maxWaitMs: 20 };

/**
 * Creditors' feeds: debt reports and consumer records, in batches. The messages that arrive close together are handled
 * as one set-based write; each message's items are checked on its own, and a bad item is rejected in that batch's
 * receipt (on the sender's own queue) while the rest is stored. Whose data it is, is what the broker verified
 * (verifiedSource): a message without user_id is refused and dead-lettered, since only a debt's source may change it.
 */
@Controller()
export class FeedsController {
  private readonly logger = new Logger(FeedsController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly receipts: PartnerReceipts,
    @Inject(BROKER_USER) private readonly platformUser: string,
  ) {}

  @MessagePattern(QUEUES.debtReports, { batch: FEED_BATCH })
  async reportDebts(@Payload() messages: DebtReportsV1[], @Ctx() ctx: RabbitMqBatchContext): Promise<BatchResult> {
    return this.handle(
      QUEUES.debtReports,
      messages.map((m) => m.reports),
      messages,
      ctx,
      (batches) =>
        this.commands.execute(new ReportDebtsCommand(batches as FeedBatch<DebtReportInput>[], metadataOf(ctx))),
    );
  }

  @MessagePattern(QUEUES.consumerRecords, { batch: FEED_BATCH })
  async recordConsumers(
    @Payload() messages: ConsumerRecordsV1[],
    @Ctx() ctx: RabbitMqBatchContext,
  ): Promise<BatchResult> {
    return this.handle(
      QUEUES.consumerRecords,
      messages.map((m) => m.records),
      messages,
      ctx,
      (batches) =>
        this.commands.execute(new RecordConsumersCommand(batches as FeedBatch<ConsumerRecordInput>[], metadataOf(ctx))),
    );
  }

  /** Per message: refused as a whole (no verified sender), or its items checked; then one command for them all. */
  private async handle(
    queue: string,
    items: Record<string, unknown>[][],
    messages: { batchId?: string; source?: string }[],
    ctx: RabbitMqBatchContext,
    run: (batches: FeedBatch<unknown>[]) => Promise<FeedBatchResult[]>,
  ): Promise<BatchResult> {
    const validate = queue === QUEUES.debtReports ? validateDebtReportPayload : validateConsumerRecordPayload;
    const list = queue === QUEUES.debtReports ? 'reports' : 'records';
    // The feed's name in the partner rejection metrics.
    const feed = queue === QUEUES.debtReports ? 'debt_reports' : 'consumer_records';
    const outcome: BatchResult = messages.map(() => null);
    const batches: FeedBatch<unknown>[] = [];
    const owners: number[] = [];
    messages.forEach((message, i) => {
      const context = ctx.contexts[i]!;
      let source: string;
      const user = context.message.properties.userId as string | undefined;
      try {
        source = verifiedSource(message.source, user, this.platformUser);
      } catch (refused) {
        const code = (refused as PermanentMessageError).code;
        recordRejectedItems(amqpSource(user ?? 'unverified'), feed, code, items[i]!.length);
        outcome[i] = refused;
        return;
      }
      const { passed, rejected } = checkItems(items[i]!, validate, list);
      const batchId = batchIdOf(message, context);
      batches.push({ batchId, source, client: source, received: items[i]!.length, items: passed, rejected });
      owners.push(i);
    });
    if (batches.length === 0) return outcome;
    const results = await run(batches);
    await Promise.all(
      results.map((result, k) => {
        for (const item of result.rejected) recordRejectedItems(batches[k]!.source, feed, item.code);
        if (result.rejected.length) {
          this.logger.warn(
            `${queue}: batch ${result.batchId}: ${result.rejected.length} item(s) rejected, ${result.accepted} accepted`,
          );
        }
        return this.receipts.send(batches[k]!.source, queue, result, ctx.contexts[owners[k]!]!.correlationId);
      }),
    );
    return outcome;
  }
}

const BATCH_ID_FORM = new RegExp(Schemas.FEED_BATCH_ID_PATTERN);

/** The batch's own id, or its message_id when that has the same form (it names audit entries), or a new one. */
function batchIdOf(message: { batchId?: string }, ctx: RabbitMqContext): string {
  const messageId = ctx.message.properties.messageId as unknown;
  return message.batchId ?? (typeof messageId === 'string' && BATCH_ID_FORM.test(messageId) ? messageId : newId());
}

function metadataOf(ctx: RabbitMqBatchContext): { correlationId: string } {
  return { correlationId: ctx.contexts[0]?.correlationId ?? newId() };
}
