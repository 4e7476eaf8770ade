import { DEAD_LETTER_HEADERS, IngestTransactionsV1, QUEUES, deadLetterQueue, validateEventPayload } from '@app/contracts';
import { IngestResult, IngestTransactionsCommand, RejectedEvent, TransactionEventInput } from '@app/credit';
import { RabbitMqContext, RabbitMqPublisher, redactCpfs } from '@app/platform';
import { newId } from '@app/shared-kernel';
import { Controller, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';

/**
 * Consumes ingest batches from the API and partners. Valid events are stored (idempotently, so a redelivered batch is
 * harmless); each invalid event is dead-lettered on its own with the reason, so one bad event never blocks its batch.
 */
@Controller()
export class IngestionController {
  private readonly logger = new Logger(IngestionController.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly publisher: RabbitMqPublisher,
  ) {}

  @MessagePattern(QUEUES.ingestTransactions)
  async ingest(@Payload() message: IngestTransactionsV1, @Ctx() ctx: RabbitMqContext): Promise<IngestResult> {
    const batchId = message.batchId ?? (ctx.message.properties.messageId as string | undefined) ?? newId();
    const rejected: RejectedEvent[] = [];
    const candidates: { index: number; event: TransactionEventInput }[] = [];
    message.events.forEach((event, index) => {
      const problems = validateEventPayload(event);
      if (problems.length === 0) candidates.push({ index, event: event as TransactionEventInput });
      else rejected.push({ index, eventId: typeof event.eventId === 'string' ? event.eventId : null, code: 'SCHEMA_INVALID', field: `events[${index}].${problems[0].field}`, reason: problems.map((p) => `${p.field}: ${p.reason}`).join('; ') });
    });
    const result = await this.commands.execute(
      new IngestTransactionsCommand(batchId, candidates.map((c) => c.event), { correlationId: ctx.correlationId ?? batchId, causationId: batchId }),
    );
    // The command numbers its rejections within the candidates; map them back to positions in the original batch.
    for (const r of result.rejected) {
      const original = candidates[r.index].index;
      rejected.push({ ...r, index: original, field: r.field.replace(/^events\[\d+\]/, `events[${original}]`) });
    }
    for (const r of rejected) await this.deadLetter(batchId, message.events[r.index], r, ctx);
    if (rejected.length) this.logger.warn(`batch ${batchId}: ${rejected.length} event(s) dead-lettered, ${result.stored} stored`);
    return { ...result, rejected };
  }

  private async deadLetter(batchId: string, event: unknown, r: RejectedEvent, ctx: RabbitMqContext): Promise<void> {
    await this.publisher.publish('', deadLetterQueue(QUEUES.ingestTransactions), { batchId, events: [event] }, {
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
    });
  }
}
