import {
  DEAD_LETTER_HEADERS,
  IngestReplyV1,
  IngestTransactionsV1,
  QUEUES,
  deadLetterQueue,
  validateEventPayload,
} from '@app/contracts';
import { BROKER_USER, PartnerReceipts, verifiedSource } from '@app/adapters/rabbitmq';
import { IngestTransactionsCommand, RejectedEvent, amqpSource } from '@app/credit-application';
import { TransactionEventInput } from '@app/credit-domain';
import {
  PermanentMessageError,
  RabbitMqContext,
  RabbitMqPublisher,
  recordRejectedItems,
  redactCpfs,
} from '@app/platform';
import { newId } from '@app/shared-kernel';
import { Controller, Inject, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';

/** This feed's name in the partner rejection metrics. */
const FEED = 'transactions';

/**
 * Consumes ingest batches from the API and partners. Valid events are stored (idempotently per source, so a redelivered
 * batch is harmless); each invalid event is dead-lettered on its own with the reason, so one bad event never blocks
 * its batch. A batch published with reply_to gets, per event, whether it was stored, a duplicate or rejected; a
 * partner's batch also gets a receipt on the partner's own queue, reply_to or not.
 *
 * Whose events they are is what the broker verified (verifiedSource): event ids are only unique per source.
 */
@Controller()
export class IngestionController {
  private readonly logger = new Logger(IngestionController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly publisher: RabbitMqPublisher,
    @Inject(BROKER_USER) private readonly platformUser: string,
    private readonly receipts: PartnerReceipts,
  ) {}

  @MessagePattern(QUEUES.ingestTransactions)
  async ingest(@Payload() message: IngestTransactionsV1, @Ctx() ctx: RabbitMqContext): Promise<IngestReplyV1> {
    const batchId = message.batchId ?? (ctx.message.properties.messageId as string | undefined) ?? newId();
    const source = this.countedSource(message, ctx);
    const rejected: RejectedEvent[] = [];
    const candidates: { index: number; event: TransactionEventInput }[] = [];
    message.events.forEach((event, index) => {
      const problems = validateEventPayload(event);
      if (problems.length === 0) candidates.push({ index, event: event as TransactionEventInput });
      else
        rejected.push({
          index,
          eventId: typeof event.eventId === 'string' ? event.eventId : null,
          code: 'SCHEMA_INVALID',
          field: `events[${index}].${problems[0].field}`,
          reason: problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
        });
    });
    const result = await this.commands.execute(
      new IngestTransactionsCommand(
        batchId,
        candidates.map((c) => c.event),
        source,
        { correlationId: ctx.correlationId ?? batchId, causationId: batchId },
      ),
    );
    // The command numbers its rejections and items within the candidates; map them back to the original batch.
    for (const r of result.rejected) {
      const original = candidates[r.index].index;
      rejected.push({ ...r, index: original, field: r.field.replace(/^events\[\d+\]/, `events[${original}]`) });
    }
    for (const r of rejected) {
      await this.deadLetter(batchId, source, message.events[r.index], r, ctx);
      recordRejectedItems(source, FEED, r.code);
    }
    if (rejected.length)
      this.logger.warn(`batch ${batchId}: ${rejected.length} event(s) dead-lettered, ${result.stored} stored`);
    const items: NonNullable<IngestReplyV1['items']> = [
      ...result.items.filter((i) => i.outcome !== 'REJECTED').map((i) => ({ ...i, index: candidates[i.index].index })),
      ...rejected.map((r) => ({
        index: r.index,
        eventId: r.eventId,
        outcome: 'REJECTED' as const,
        code: r.code,
        field: r.field,
        reason: redactCpfs(r.reason),
      })),
    ].sort((a, b) => a.index - b.index);
    const refused = items
      .filter((i) => i.outcome === 'REJECTED')
      .map((i) => ({ index: i.index, code: i.code!, field: i.field!, reason: i.reason! }));
    const accepted = result.stored + result.duplicates;
    const receipt = { batchId, received: message.events.length, accepted, rejected: refused };
    await this.receipts.send(source, QUEUES.ingestTransactions, receipt, ctx.correlationId);
    return { ok: true, batchId, stored: result.stored, duplicates: result.duplicates, items };
  }

  /** The verified source, or the refusal of the whole batch, counted against its sender (unverified when none). */
  private countedSource(message: IngestTransactionsV1, ctx: RabbitMqContext): string {
    const user = ctx.message.properties.userId as string | undefined;
    try {
      return verifiedSource(message.source, user, this.platformUser);
    } catch (error) {
      const code = (error as PermanentMessageError).code;
      recordRejectedItems(amqpSource(user ?? 'unverified'), FEED, code, message.events.length);
      throw error;
    }
  }

  private async deadLetter(
    batchId: string,
    source: string,
    event: unknown,
    r: RejectedEvent,
    ctx: RabbitMqContext,
  ): Promise<void> {
    // The source travels with the dead letter, so a replay (by the platform's user) records the event under it.
    await this.publisher.publish(
      '',
      deadLetterQueue(QUEUES.ingestTransactions),
      { batchId, source, events: [event] },
      {
        correlationId: ctx.correlationId,
        causationId: batchId,
        type: QUEUES.ingestTransactions,
        headers: {
          [DEAD_LETTER_HEADERS.code]: r.code,
          [DEAD_LETTER_HEADERS.reason]: redactCpfs(r.reason),
          [DEAD_LETTER_HEADERS.field]: r.field,
          [DEAD_LETTER_HEADERS.originalQueue]: QUEUES.ingestTransactions,
          [DEAD_LETTER_HEADERS.attempts]: 1,
          [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    );
  }
}
