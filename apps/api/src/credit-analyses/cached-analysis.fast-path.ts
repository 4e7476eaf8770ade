import { AnalysisReadPolicy } from '@app/credit-application';
import { Logger } from '@nestjs/common';
import { FastLaneHandler } from '../http/fast-lane';
import { respondWith } from '../http/http-answer';
import { fastLaneRecorder } from '../http/http-metrics';
import { decideAnalysisRead } from './analysis-read.http';

/** The route's template, as metrics name it. */
export const ANALYSIS_ROUTE = '/v1/credit-analyses/:cpf';
/**
 * The GETs the lane takes: a CPF of unreserved characters, which needs no decoding, and no query string. Any other
 * shape (percent-encoded, a query, a trailing slash, HEAD) goes through Fastify to the Nest route, which asks the same
 * policy and writes the same answer.
 */
const PATH = /^\/v1\/credit-analyses\/([\w.~-]{1,64})$/;

const logger = new Logger('HTTP');

/**
 * GET /v1/credit-analyses/{cpf}, the hot read of a lender's decision, answered by the server before Fastify: every
 * outcome is the analysis-read policy's, the same the Nest route and the RabbitMQ handler give, so skipping the
 * framework skips no rule.
 */
export function cachedAnalysisLane(policy: AnalysisReadPolicy): FastLaneHandler {
  const record = fastLaneRecorder(ANALYSIS_ROUTE);
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const cpf = PATH.exec(req.url ?? '')?.[1];
    if (!cpf) return false;
    const startedAt = record ? performance.now() : 0;
    decideAnalysisRead(policy, req.headers, cpf)
      .then((answer) => {
        respondWith(res, answer);
        record?.(answer.status, answer.headers['x-cache'] === 'HIT', (performance.now() - startedAt) / 1000);
      })
      .catch((error: Error) => {
        logger.error(`the analysis read could not be answered: ${error.message}`);
        res.destroy();
      });
    return true;
  };
}
