import { ANALYSIS_READ, AnalysisReadPolicy } from '@app/credit-application';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../http/api-errors.decorator';
import { Access } from '../auth/access.decorators';
import { ApiCpfParam } from '../http/cpf.param';
import { answerAnalysisRead } from './analysis-read.http';
import { CreditAnalysisDto } from './credit-analysis.dto';

@ApiTags('credit analyses')
@Controller({ path: 'credit-analyses', version: '1' })
export class CreditAnalysesController {
  constructor(private readonly policy: AnalysisReadPolicy) {}

  @Get(':cpf')
  @ApiOperation({
    summary: 'Credit analysis of a CPF',
    description:
      'Reportable debts, the latest rating with its reasons, and aggregates of the transaction trail.' +
      ' Served from cache when warm (X-Cache: HIT). Every call is recorded as a bureau inquiry on the CPF,' +
      ' naming the client (from its API key) and the declared purpose; a cached analysis shows inquiries up' +
      ' to the cache TTL late. A rating that rested on a negative record no longer reportable (five years,' +
      ' or its limitation date) is never served: the CPF is re-rated first, and a cached analysis never' +
      ' outlives the earliest such expiry in it.',
  })
  @Access(ANALYSIS_READ.scope, {
    purpose: true,
    audit: { resource: ANALYSIS_READ.resource, action: ANALYSIS_READ.action },
    enforcedByHandler: true,
  })
  @ApiCpfParam()
  @ApiOkResponse({
    type: CreditAnalysisDto,
    headers: { 'X-Cache': { description: 'HIT or MISS', schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404)
  async get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    // The same answer the server's fast lane gives a GET; this route answers what the lane leaves (HEAD, a path to
    // decode, a query string).
    return answerAnalysisRead(this.policy, request, reply);
  }
}
