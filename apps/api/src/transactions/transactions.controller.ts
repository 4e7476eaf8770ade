import { BatchValidationError, CommandSender, IngestTransactionsCommand, TransactionEventInput, validateEvents } from '@app/credit';
import { Clock, newId } from '@app/shared-kernel';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.decorator';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { Client } from '../http/client';
import { BatchAcceptedDto, EVENT_DTOS, IngestBatchDto } from './transaction.dto';

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
  @ApiAcceptedResponse({ type: BatchAcceptedDto })
  @ApiErrors(400, 413, 415)
  async ingest(@Body() body: IngestBatchDto, @Client() client: AuthenticatedClient): Promise<BatchAcceptedDto> {
    const { rejected } = validateEvents(body.events as TransactionEventInput[], this.clock.now());
    if (rejected.length) throw new BatchValidationError(rejected);
    const batchId = newId();
    await this.sender.ingestTransactions(new IngestTransactionsCommand(batchId, body.events as TransactionEventInput[], { correlationId: client.requestId, causationId: batchId, clientId: client.name }));
    return { batchId, accepted: body.events.length };
  }
}
