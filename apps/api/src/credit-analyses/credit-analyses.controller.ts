import { GetCreditAnalysisQuery } from '@app/credit';
import { ValidationError } from '@app/shared-kernel';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-errors.decorator';
import { ClientId } from '../http/client';
import { ApiCpfParam } from '../http/cpf.param';
import { CreditAnalysisDto, INQUIRY_PURPOSES } from './credit-analysis.dto';

@ApiTags('credit analyses')
@Controller({ path: 'credit-analyses', version: '1' })
export class CreditAnalysesController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':cpf')
  @ApiOperation({
    summary: 'Credit analysis of a CPF',
    description:
      'Reportable debts, the latest rating with its reasons, and aggregates of the transaction trail. Served from cache when warm ' +
      '(X-Cache: HIT). Every call is recorded as a bureau inquiry on the CPF, naming the client and purpose; a cached analysis shows ' +
      'inquiries up to the cache TTL late.',
  })
  @ApiCpfParam()
  @ApiHeader({ name: 'X-Client-Id', required: false, description: 'Name of the calling client, recorded on the inquiry' })
  @ApiHeader({ name: 'X-Purpose', required: false, description: `Why the CPF is consulted: ${INQUIRY_PURPOSES.join(', ')} (default CREDIT_GRANTING)` })
  @ApiOkResponse({ type: CreditAnalysisDto, headers: { 'X-Cache': { description: 'HIT or MISS', schema: { type: 'string' } } } })
  @ApiErrors(400, 404)
  async get(@Param('cpf') cpf: string, @ClientId() client: string, @Headers('x-purpose') purposeHeader: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const purpose = purposeHeader?.trim() || 'CREDIT_GRANTING';
    if (!(INQUIRY_PURPOSES as readonly string[]).includes(purpose)) {
      throw new ValidationError('PURPOSE_INVALID', 'X-Purpose', `must be one of ${INQUIRY_PURPOSES.join(', ')}`);
    }
    const result = await this.queries.execute(new GetCreditAnalysisQuery(cpf, client, purpose));
    void reply.header('content-type', 'application/json; charset=utf-8').header('x-cache', result.cacheHit ? 'HIT' : 'MISS');
    return result.json;
  }
}
