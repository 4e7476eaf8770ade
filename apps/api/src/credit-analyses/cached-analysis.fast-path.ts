import { AnalysisReadPolicy } from '@app/credit-application';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { meteredFastPath } from '../http/http-metrics';
import { answerAnalysisRead } from './analysis-read.http';

/** The route this hook answers; its requests are recorded by meteredFastPath, not by a response hook. */
export const FAST_PATH_ROUTE = '/v1/credit-analyses/:cpf';
const ROUTE = FAST_PATH_ROUTE;

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
    .addHook(
      'onRequest',
      meteredFastPath(ROUTE, async (request: FastifyRequest, reply: FastifyReply) => {
        if (request.method !== 'GET' || request.routeOptions.url !== ROUTE) return;
        return answerAnalysisRead(policy, request, reply);
      }),
    );
}
