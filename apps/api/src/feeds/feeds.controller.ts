import { checkItems, validateConsumerRecordPayload, validateDebtReportPayload } from '@app/contracts';
import {
  ConsumerRecordInput,
  FeedBatchResult,
  RecordConsumersCommand,
  ReportDebtsCommand,
  apiSource,
} from '@app/credit-application';
import { DebtReportInput } from '@app/credit-domain';
import { redactCpfs } from '@app/platform';
import { newId } from '@app/shared-kernel';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { ApiErrors } from '../http/api-errors.decorator';
import { Client } from '../http/client';
import { ConsumerRecordsDto, DebtReportsDto, FeedReceiptDto } from './feed.dto';

/**
 * The creditors' feeds over REST, for clients without RabbitMQ: the same commands the ingestion worker runs, answered
 * with the batch's receipt. Each item is audited under the API client by the command (one entry per CPF).
 */
@ApiTags('feeds')
@Controller({ version: '1' })
export class FeedsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('debt-reports')
  @HttpCode(200)
  @Access('consumer:write')
  @ApiOperation({
    summary: 'Report debts in bulk: register, update the amount, pay, renegotiate, remove',
    description:
      "Keyed by the creditor's CNPJ and its contract id (with the CPF), so a re-sent report changes nothing. Reports" +
      ' apply in order; each is checked on its own and a bad one is rejected in the answer while the rest is stored. ' +
      'A debt registered here waits, pending, until the consumer has been notified and the notice period has passed' +
      ' (CDC art. 43 §2; NOTICE_PERIOD_DAYS, default 10); payment and removal take effect at once. Only the client' +
      ' that registered a debt may change it (DEBT_REPORTED_BY_ANOTHER_SOURCE); a CPF without a consumer record is' +
      ' rejected (CONSUMER_NOT_FOUND): send its record first.',
  })
  @ApiBody({ type: DebtReportsDto })
  @ApiOkResponse({ type: FeedReceiptDto, description: 'What became of every report' })
  @ApiErrors(400, 413, 415)
  async reportDebts(@Body() body: DebtReportsDto, @Client() client: AuthenticatedClient): Promise<FeedReceiptDto> {
    const { passed, rejected } = checkItems<DebtReportInput>(body.reports, validateDebtReportPayload, 'reports');
    const batch = {
      batchId: body.batchId ?? newId(),
      source: apiSource(client.name),
      client: client.name,
      received: body.reports.length,
      items: passed,
      rejected,
    };
    const [result] = await this.commands.execute(new ReportDebtsCommand([batch], metadataOf(client)));
    return receipt(result!);
  }

  @Post('consumer-records')
  @HttpCode(200)
  @Access('consumer:write')
  @ApiOperation({
    summary: 'Create consumers, or replace their name and address, in bulk',
    description:
      'Debts are kept. Each record is checked on its own; a bad one is rejected in the answer while the' +
      ' rest is stored.',
  })
  @ApiBody({ type: ConsumerRecordsDto })
  @ApiOkResponse({ type: FeedReceiptDto, description: 'What became of every record' })
  @ApiErrors(400, 413, 415)
  async recordConsumers(
    @Body() body: ConsumerRecordsDto,
    @Client() client: AuthenticatedClient,
  ): Promise<FeedReceiptDto> {
    const { passed, rejected } = checkItems<ConsumerRecordInput>(
      body.records,
      validateConsumerRecordPayload,
      'records',
    );
    const batch = {
      batchId: body.batchId ?? newId(),
      source: apiSource(client.name),
      client: client.name,
      received: body.records.length,
      items: passed,
      rejected,
    };
    const [result] = await this.commands.execute(new RecordConsumersCommand([batch], metadataOf(client)));
    return receipt(result!);
  }
}

function metadataOf(client: AuthenticatedClient) {
  return { correlationId: client.requestId, clientId: client.name };
}

function receipt(result: FeedBatchResult): FeedReceiptDto {
  return { ...result, rejected: result.rejected.map((r) => ({ ...r, reason: redactCpfs(r.reason) })) };
}
