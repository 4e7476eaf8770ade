import { AnalysisReplyV1, AnalysisRequestV1, QUEUES } from '@app/contracts';
import { GetCreditAnalysisQuery } from '@app/credit';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';

/** Partners ask for an analysis over RabbitMQ (reply-to + correlation id); the answer is what REST would return. */
@Controller()
export class AnalysisRequestsController {
  constructor(private readonly queries: QueryBus) {}

  @MessagePattern(QUEUES.analysisRequests)
  async analyse(@Payload() request: AnalysisRequestV1): Promise<AnalysisReplyV1> {
    const result = await this.queries.execute(new GetCreditAnalysisQuery(request.cpf, request.requester, request.purpose));
    return { ok: true, analysis: JSON.parse(result.json) };
  }
}
