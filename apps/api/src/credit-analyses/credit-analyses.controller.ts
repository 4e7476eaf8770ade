import { GetCreditAnalysisQuery } from '@app/credit';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-errors.decorator';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient, AuthenticatedRequest } from '../auth/access.guard';
import { Client } from '../http/client';
import { ApiCpfParam } from '../http/cpf.param';
import { CreditAnalysisDto } from './credit-analysis.dto';

@ApiTags('credit analyses')
@Controller({ path: 'credit-analyses', version: '1' })
export class CreditAnalysesController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':cpf')
  @ApiOperation({
    summary: 'Credit analysis of a CPF',
    description:
      'Reportable debts, the latest rating with its reasons, and aggregates of the transaction trail. Served from cache when warm ' +
      '(X-Cache: HIT). Every call is recorded as a bureau inquiry on the CPF, naming the client (from its API key) and the declared purpose; a cached analysis shows ' +
      'inquiries up to the cache TTL late. A rating that rested on a negative record no longer reportable (five' +
        ' years, or its limitation date) ' +
      'is never served: the CPF is re-rated first, and a cached analysis never outlives the earliest such expiry in' +
        ' it.',
  })
  @Access('analysis:read', { purpose: true, audit: { resource: 'ANALYSIS', action: 'READ' } })
  @ApiCpfParam()
  @ApiOkResponse({ type: CreditAnalysisDto, headers: { 'X-Cache': { description: 'HIT or MISS', schema: { type: 'string' } } } })
  @ApiErrors(400, 404)
  async get(
    @Param('cpf') cpf: string,
    @Client() client: AuthenticatedClient,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const result = await this.queries.execute(new GetCreditAnalysisQuery(cpf, client.name, client.purpose!, { knownMiss: request.analysisCacheMiss, inquiryId: request.cachedReadAttempt?.inquiryId }));
    void reply.header('content-type', 'application/json; charset=utf-8').header('x-cache', result.cacheHit ? 'HIT' : 'MISS');
    return result.json;
  }
}
