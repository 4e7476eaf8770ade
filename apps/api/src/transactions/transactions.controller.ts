import { Schemas } from '@app/contracts';
import {
  BatchValidationError, CommandSender, IngestTransactionsCommand, RejectedEvent, TransactionEventInput, validateEvents,
} from '@app/credit';
import { Clock, newId } from '@app/shared-kernel';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.decorator';
import { BATCH_ACCEPTED_LINKS } from '../http/links';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { Client } from '../http/client';
import { BatchAcceptedDto, EVENT_DTOS, IngestBatchDto } from './transaction.dto';

/** The fields each event type has, from the schemas the RabbitMQ edge validates against (libs/contracts). */
const EVENT_FIELDS = new Map<unknown, ReadonlySet<string>>(
  [Schemas.BureauInquiryEvent, Schemas.FinancialMovementEvent, Schemas.CardPurchaseEvent].map((s) => [
    s.properties.type.const,
    new Set(Object.keys(s.properties)),
  ]),
);

/** A field its event type does not have is refused, as on RabbitMQ, not dropped: it was meant to say something. */
function unknownFields(events: Record<string, unknown>[]): RejectedEvent[] {
  return events.flatMap((event, index) => {
    const known = EVENT_FIELDS.get(event.type);
    if (!known) return [];
    const eventId = typeof event.eventId === 'string' ? event.eventId : null;
    return Object.keys(event)
      .filter((key) => !known.has(key))
      .map((key) => ({
        index, eventId, code: 'EVENT_INVALID', field: `events[${index}].${key}`,
        reason: `is not a field of ${String(event.type)} events`,
      }));
  });
}

@ApiTags('transactions')
@ApiExtraModels(...EVENT_DTOS)
@Controller({ path: 'transactions', version: '1' })
export class TransactionsController {
  constructor(
    private readonly sender: CommandSender,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(202)
  @Access('transactions:write')
  @ApiOperation({
    summary: 'Ingest a batch of events (bureau inquiries, financial movements, card purchases)',
    description:
      'Every event is validated first; if any is invalid the response lists them all (BATCH_INVALID) and nothing is stored. ' +
      'Accepted batches are written idempotently by eventId, so re-sending a batch is harmless. The CPFs involved are re-scored.',
  })
  @ApiBody({ type: IngestBatchDto })
  @ApiAcceptedResponse({ type: BatchAcceptedDto, links: BATCH_ACCEPTED_LINKS })
  @ApiErrors(400, 413, 415)
  async ingest(@Body() body: IngestBatchDto, @Client() client: AuthenticatedClient): Promise<BatchAcceptedDto> {
    const { rejected } = validateEvents(body.events as TransactionEventInput[], this.clock.now());
    const problems = [...unknownFields(body.events), ...rejected].sort((a, b) => a.index - b.index);
    if (problems.length) throw new BatchValidationError(problems);
    const batchId = newId();
    await this.sender.ingestTransactions(new IngestTransactionsCommand(batchId, body.events as TransactionEventInput[], { correlationId: client.requestId, causationId: batchId, clientId: client.name }));
    return { batchId, accepted: body.events.length };
  }
}
