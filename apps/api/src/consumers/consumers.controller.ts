import {
  GetConsumerQuery,
  GetInquiriesQuery,
  GetRatingQuery,
  GetTransactionsQuery,
  UpsertConsumerCommand,
  UpsertRatingFeaturesCommand,
} from '@app/credit-application';
import { EventType } from '@app/credit-domain';
import { Cpf } from '@app/shared-kernel';
import { Body, Controller, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-errors.decorator';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { Client } from '../http/client';
import { ApiCpfParam } from '../http/cpf.param';
import { CONSUMER_WRITTEN_LINKS, FEATURES_WRITTEN_LINKS } from '../http/links';
import { RatingWithHistoryDto } from '../ratings/rating.dto';
import {
  ApiEventTypesQuery,
  InquiriesQueryDto,
  InquiriesViewDto,
  TransactionsPageDto,
  TransactionsQueryDto,
} from '../transactions/transaction.dto';
import { ConsumerViewDto, UpsertConsumerDto } from './consumer.dto';
import { UpsertRatingFeaturesDto } from './rating-features.dto';

@ApiTags('consumers')
@Controller({ path: 'consumers', version: '1' })
export class ConsumersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get(':cpf')
  @Access('consumer:read', { purpose: true, audit: { resource: 'CONSUMER', action: 'READ' } })
  @ApiOperation({
    summary: 'What A_CONSUMER holds for a CPF',
    description:
      'Name, address and every debt, each flagged whether a report may show it. There is no listing endpoint, by design.',
  })
  @ApiCpfParam()
  @ApiOkResponse({ type: ConsumerViewDto })
  @ApiErrors(400, 404)
  get(@Param('cpf') cpf: string) {
    return this.queries.execute(new GetConsumerQuery(cpf));
  }

  @Put(':cpf')
  @HttpCode(200)
  @Access('consumer:write', { audit: { resource: 'CONSUMER', action: 'WRITE' } })
  @ApiOperation({
    summary: 'Create or replace a consumer and their debts',
    description: 'Idempotent: the body replaces what is stored. 201 when the CPF was new, 200 when it was updated.',
  })
  @ApiCpfParam()
  @ApiBody({ type: UpsertConsumerDto })
  @ApiOkResponse({ type: ConsumerViewDto, description: 'Updated', links: CONSUMER_WRITTEN_LINKS })
  @ApiCreatedResponse({ type: ConsumerViewDto, description: 'Created', links: CONSUMER_WRITTEN_LINKS })
  @ApiErrors(400, 413, 415)
  async put(
    @Param('cpf') cpf: string,
    @Body() body: UpsertConsumerDto,
    @Client() client: AuthenticatedClient,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created } = await this.commands.execute(
      new UpsertConsumerCommand(
        { cpf, ...body, debts: body.debts ?? [] },
        { correlationId: client.requestId, clientId: client.name },
      ),
    );
    void reply.status(created ? 201 : 200);
    return this.queries.execute(new GetConsumerQuery(cpf));
  }

  @Put(':cpf/rating-features')
  @HttpCode(200)
  @Access('consumer:write', { audit: { resource: 'RATING_FEATURES', action: 'WRITE' } })
  @ApiOperation({
    summary: 'Create or replace the rating inputs of a CPF (B_RATING)',
    description:
      'Age, address, assets and income sources. The CPF is re-scored after the change. 201 when new, 200 when updated.',
  })
  @ApiCpfParam()
  @ApiBody({ type: UpsertRatingFeaturesDto })
  @ApiOkResponse({
    type: UpsertRatingFeaturesDto,
    description: 'Updated; echoes what was kept',
    links: FEATURES_WRITTEN_LINKS,
  })
  @ApiCreatedResponse({ type: UpsertRatingFeaturesDto, description: 'Created', links: FEATURES_WRITTEN_LINKS })
  @ApiErrors(400, 413, 415)
  async putFeatures(
    @Param('cpf') cpf: string,
    @Body() body: UpsertRatingFeaturesDto,
    @Client() client: AuthenticatedClient,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created } = await this.commands.execute(
      new UpsertRatingFeaturesCommand({ cpf, ...body }, { correlationId: client.requestId, clientId: client.name }),
    );
    void reply.status(created ? 201 : 200);
    return body;
  }

  @Get(':cpf/rating')
  @Access('analysis:read', { purpose: true, audit: { resource: 'RATING', action: 'READ' } })
  @ApiOperation({
    summary: 'Latest rating of a CPF, with up to ten earlier ones',
    description:
      'A rating that rested on a negative record no longer reportable (CDC art. 43 §1 and §5) is never served: the' +
      ' CPF is re-rated first. ' +
      "Earlier ratings that may no longer be served are left out of the history; the data subject's export keeps" +
      ' them all.',
  })
  @ApiCpfParam()
  @ApiOkResponse({ type: RatingWithHistoryDto })
  @ApiErrors(400, 404)
  rating(@Param('cpf') cpf: string) {
    return this.queries.execute(new GetRatingQuery(cpf));
  }

  @Get(':cpf/transactions')
  @Access('transactions:read')
  @ApiOperation({
    summary: 'Events of a CPF in a time window',
    description: 'Newest first, paged by cursor. Default window: the last 90 days; at most five years.',
  })
  @ApiCpfParam()
  @ApiEventTypesQuery()
  @ApiOkResponse({ type: TransactionsPageDto })
  @ApiErrors(400)
  transactions(@Param('cpf') cpf: string, @Query() q: TransactionsQueryDto) {
    return this.queries.execute(
      new GetTransactionsQuery(
        cpf,
        q.from ? new Date(q.from) : null,
        q.to ? new Date(q.to) : null,
        (q.types as EventType[]) ?? null,
        q.limit ?? 100,
        q.cursor ?? null,
      ),
    );
  }

  @Get(':cpf/inquiries')
  @Access('subject:read', { purpose: true, audit: { resource: 'INQUIRIES', action: 'READ' } })
  @ApiOperation({
    summary: 'Who consulted this CPF',
    description: 'Bureau inquiries (client, purpose, time), by default over the last six months.',
  })
  @ApiCpfParam()
  @ApiOkResponse({ type: InquiriesViewDto })
  @ApiErrors(400)
  inquiries(@Param('cpf') cpf: string, @Query() q: InquiriesQueryDto) {
    Cpf.parse(cpf);
    return this.queries.execute(new GetInquiriesQuery(cpf, q.since ? new Date(q.since) : null, q.limit ?? 100));
  }
}
