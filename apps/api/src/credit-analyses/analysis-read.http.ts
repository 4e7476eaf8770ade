import { AnalysisReadPolicy, AnalysisReadRequest, RateDecision } from '@app/credit-application';
import { Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { presentedApiKey, requestIdOf } from '../auth/access.guard';
import { JSON_TYPE, sendError } from '../http/domain-error.filter';

const logger = new Logger('HTTP');

/** GET /v1/credit-analyses/{cpf} as the analysis-read policy sees it. */
function analysisReadOf(request: FastifyRequest): AnalysisReadRequest {
  const purpose = request.headers['x-purpose'];
  return {
    credential: { kind: 'api-key', presented: presentedApiKey(request) },
    purpose: typeof purpose === 'string' ? purpose : null,
    cpf: (request.params as { cpf?: string } | undefined)?.cpf ?? '',
    requestId: requestIdOf(request),
  };
}

/**
 * Answers an analysis read over HTTP, whichever way the request came in (the onRequest hook or the Nest route): the
 * policy decides, this only writes its outcome: the analysis with X-Cache, or a refusal in the error shape, with the
 * rate-limit headers whenever the request was counted.
 */
export async function answerAnalysisRead(
  policy: AnalysisReadPolicy,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  let outcome;
  try {
    outcome = await policy.read(analysisReadOf(request));
  } catch (error) {
    return sendError(reply, error, logger);
  }
  if (outcome.rate) rateHeaders(reply, outcome.rate);
  if (outcome.kind === 'served') {
    return reply
      .header('content-type', JSON_TYPE)
      .header('x-cache', outcome.cacheHit ? 'HIT' : 'MISS')
      .send(outcome.json);
  }
  const { status, code, message, field } = outcome.refusal;
  if (status === 429 && outcome.rate) void reply.header('retry-after', outcome.rate.resetSeconds);
  const body = { statusCode: status, code, message, field, reason: field ? message : undefined };
  return reply.status(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}

function rateHeaders(reply: FastifyReply, rate: RateDecision): void {
  void reply
    .header('x-ratelimit-limit', rate.limit)
    .header('x-ratelimit-remaining', rate.remaining)
    .header('x-ratelimit-reset', rate.resetSeconds);
}
