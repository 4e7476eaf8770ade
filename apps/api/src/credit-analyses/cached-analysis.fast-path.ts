import { AnalysisReadPolicy } from '@app/credit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { answerAnalysisRead } from './analysis-read.http';

const ROUTE = '/v1/credit-analyses/:cpf';

/**
 * Answers GET /v1/credit-analyses/{cpf} before Nest's router, guard, interceptor and query bus are entered: the hot
 * read of a lender's decision, where that machinery costs more than the read itself (BENCHMARKS.md). Every
 * outcome is the analysis-read policy's, the same the Nest route and the RabbitMQ handler give, so skipping the
 * machinery skips no rule. Other methods on the route (HEAD) reach the Nest route, which answers the same way.
 */
export function registerCachedAnalysisFastPath(app: NestFastifyApplication): void {
  const policy = app.get(AnalysisReadPolicy, { strict: false });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'GET' || request.routeOptions.url !== ROUTE) return;
      return answerAnalysisRead(policy, request, reply);
    });
}
