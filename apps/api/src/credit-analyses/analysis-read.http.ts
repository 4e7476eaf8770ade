import { AnalysisReadOutcome, AnalysisReadPolicy, AnalysisReadRequest } from '@app/credit-application';
import { Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { presentedApiKey, requestIdOf } from '../auth/access.guard';
import { JSON_TYPE, errorAnswer } from '../http/domain-error.filter';
import { HttpAnswer, replyWith } from '../http/http-answer';

const logger = new Logger('HTTP');

/** GET /v1/credit-analyses/{cpf} as the analysis-read policy sees it: its headers and the CPF the path names. */
function analysisReadOf(headers: IncomingHttpHeaders, cpf: string): AnalysisReadRequest {
  const purpose = headers['x-purpose'];
  return {
    credential: { kind: 'api-key', presented: presentedApiKey(headers) },
    purpose: typeof purpose === 'string' ? purpose : null,
    cpf,
    requestId: requestIdOf(headers),
  };
}

/**
 * The policy's outcome as an HTTP response: the analysis with X-Cache, or a refusal in the error shape, with the
 * rate-limit headers whenever the request was counted.
 */
function answerOf(outcome: AnalysisReadOutcome): HttpAnswer {
  const headers: Record<string, string | number> = {};
  if (outcome.rate) {
    headers['x-ratelimit-limit'] = outcome.rate.limit;
    headers['x-ratelimit-remaining'] = outcome.rate.remaining;
    headers['x-ratelimit-reset'] = outcome.rate.resetSeconds;
  }
  headers['content-type'] = JSON_TYPE;
  if (outcome.kind === 'served') {
    headers['x-cache'] = outcome.cacheHit ? 'HIT' : 'MISS';
    return { status: 200, headers, body: outcome.json };
  }
  const { status, code, message, field } = outcome.refusal;
  if (status === 429 && outcome.rate) headers['retry-after'] = outcome.rate.resetSeconds;
  const body = { statusCode: status, code, message, field, reason: field ? message : undefined };
  return { status, headers, body: JSON.stringify(body) };
}

/**
 * Decides an analysis read over HTTP, whichever way it came in (the server's fast lane or the Nest route): the policy
 * decides, this only shapes its outcome, and a failure of the policy becomes the error shape.
 */
export async function decideAnalysisRead(
  policy: AnalysisReadPolicy,
  headers: IncomingHttpHeaders,
  cpf: string,
): Promise<HttpAnswer> {
  try {
    return answerOf(await policy.read(analysisReadOf(headers, cpf)));
  } catch (error) {
    return errorAnswer(error, logger);
  }
}

export async function answerAnalysisRead(
  policy: AnalysisReadPolicy,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const cpf = (request.params as { cpf?: string } | undefined)?.cpf ?? '';
  return replyWith(reply, await decideAnalysisRead(policy, request.headers, cpf));
}
