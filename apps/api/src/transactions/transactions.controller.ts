import { BatchValidationError, TransactionEventInput } from '@app/credit-domain';
import {
  CommandSender,
  IngestTransactionsCommand,
  TransactionStore,
  apiSource,
  validateEvents,
} from '@app/credit-application';
import { recordRejectedItems } from '@app/platform';
import { Clock, newId } from '@app/shared-kernel';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.decorator';
import { BATCH_ACCEPTED_LINKS } from '../http/links';
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
    private readonly store: TransactionStore,
  ) {}

  @Post()
  @HttpCode(202)
  @Access('transactions:write')
  @ApiOperation({
    summary: 'Ingest a batch of events (bureau inquiries, financial movements, card purchases)',
    description:
      'Every event is validated first; if any is invalid the response lists them all (BATCH_INVALID) and nothing is stored. ' +
      'Events are idempotent per client: an eventId your API client already sent is a DUPLICATE and is not ' +
      'stored again (another client may use the same eventId for its own event). `items` says per event whether ' +
      'it was ACCEPTED or a DUPLICATE when the batch was accepted; an identical batch racing this one may still ' +
      'store an ACCEPTED event first. ' +
      'Unknown fields (e.g. `currency`) are refused. The CPFs involved are re-scored.',
  })
  @ApiBody({ type: IngestBatchDto })
  @ApiAcceptedResponse({ type: BatchAcceptedDto, links: BATCH_ACCEPTED_LINKS })
  @ApiErrors(400, 413, 415)
  async ingest(@Body() body: IngestBatchDto, @Client() client: AuthenticatedClient): Promise<BatchAcceptedDto> {
    const source = apiSource(client.name);
    const { valid, indexes, rejected } = validateEvents(
      body.events as TransactionEventInput[],
      this.clock.now(),
      source,
    );
    if (rejected.length) {
      for (const r of rejected) recordRejectedItems(source, 'transactions', r.code);
      throw new BatchValidationError(rejected);
    }
    const stored = await this.store.findStored(valid);
    const seen = new Set<string>();
    const items = valid.map((e, k) => {
      const duplicate = stored[k] || seen.has(e.eventId);
      seen.add(e.eventId);
      return {
        index: indexes[k]!,
        eventId: e.eventId,
        status: duplicate ? ('DUPLICATE' as const) : ('ACCEPTED' as const),
      };
    });
    const batchId = newId();
    // The whole batch goes on, duplicates too: the first attempt of a re-sent batch may have stored without announcing.
    const metadata = { correlationId: client.requestId, causationId: batchId, clientId: client.name };
    const command = new IngestTransactionsCommand(batchId, body.events as TransactionEventInput[], source, metadata);
    await this.sender.ingestTransactions(command);
    const duplicates = items.filter((i) => i.status === 'DUPLICATE').length;
    return { batchId, accepted: items.length - duplicates, duplicates, items };
  }
}
