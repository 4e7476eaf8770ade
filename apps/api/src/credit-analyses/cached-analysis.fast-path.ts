import { ApiKeys, AuditLog, CachedAnalysisReads, PURPOSES, analysisInquiry } from '@app/credit';
import { fastPathLookupCounter, throttledWarning } from '@app/platform';
import { Clock, Cpf } from '@app/shared-kernel';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS, AccessRule } from '../auth/access.decorators';
import { AuthenticatedRequest, requestIdOf } from '../auth/access.guard';
import { meteredFastPath } from '../http/http-metrics';
import { CreditAnalysesController } from './credit-analyses.controller';

/** The route whose cached reads this hook serves; its requests are recorded by meteredFastPath, not a response hook. */
export const FAST_PATH_ROUTE = '/v1/credit-analyses/:cpf';
const ROUTE = FAST_PATH_ROUTE;
const PURPOSE_SET: ReadonlySet<string> = new Set(PURPOSES);

/**
 * Serves a cached credit analysis before Nest's router, guard, interceptor and query bus are entered, with the same
 * rules: a valid key with the endpoint's scope, a declared purpose, the shared per-client rate limit, an audit entry
 * of the read, and the bureau inquiry. Counting, reading and journalling the audit entry and the inquiry are one
 * Redis step (CachedAnalysisReads), so a hit leaves no work behind in this process. It only ever serves the happy case: whatever it does not serve (no or bad key, missing scope
 * or purpose, over the limit, nothing cached, Redis away) continues into the Nest route, which answers or refuses it
 * with the full machinery and one error shape. Measured reason for it: BENCHMARKS.md, section 1.
 *
 * Registered only when the API runs with Redis, which binds CachedAnalysisReads; the embedded default has none. The
 * caller says which from the configuration: asking Nest for a provider it lacks logs an error with a stack trace.
 */
export function registerCachedAnalysisFastPath(app: NestFastifyApplication): void {
  const reads = app.get(CachedAnalysisReads, { strict: false });
  const keys = app.get(ApiKeys, { strict: false });
  const audit = app.get(AuditLog, { strict: false });
  const clock = app.get(Clock, { strict: false });
  const rule = Reflect.getMetadata(ACCESS, CreditAnalysesController.prototype.get) as AccessRule | undefined;
  if (!rule?.audit || !rule.purpose) throw new Error(`${ROUTE} must declare a purpose and an audit rule`);
  const { scope, audit: what } = rule;
  const warn = throttledWarning(new Logger('CachedAnalysisFastPath'));
  const countLookup = fastPathLookupCounter();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', meteredFastPath(ROUTE, async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' || request.routeOptions.url !== ROUTE) return;
    try {
      const presented = request.headers['x-api-key'];
      const purpose = request.headers['x-purpose'];
      if (typeof presented !== 'string' || typeof purpose !== 'string' || !PURPOSE_SET.has(purpose)) return;
      const cpf = Cpf.tryParse((request.params as { cpf?: string }).cpf);
      if (!cpf) return;
      const key = await keys.authenticate(presented);
      if (!key || !key.scopes.includes(scope)) return;
      const requestId = requestIdOf(request);
      const inquiry = analysisInquiry(cpf, key.name, purpose, clock.now());
      const entry = audit.seal({ clientId: key.name, scope, purpose, cpf, action: what.action, resource: what.resource, outcome: 'SUCCESS', requestId });
      (request as AuthenticatedRequest).cachedReadAttempt = { requestId, inquiryId: inquiry.eventId };
      const result = await reads.read({ cpf, clientId: key.id, audit: entry, inquiry });
      countLookup(result.kind);
      if (result.kind === 'unavailable') return;
      // Counted either way; the guard reuses the decision instead of counting the request twice.
      (request as AuthenticatedRequest).rateDecision = result.rate;
      if (result.kind === 'miss') {
        (request as AuthenticatedRequest).analysisCacheMiss = { ticket: result.ticket };
        return;
      }
      void reply
        .header('x-ratelimit-limit', result.rate.limit)
        .header('x-ratelimit-remaining', result.rate.remaining)
        .header('x-ratelimit-reset', result.rate.resetSeconds)
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-cache', 'HIT')
        .send(result.body);
      return reply;
    } catch (error) {
      warn(`fast path declined a request after an error, the full path answers it: ${(error as Error).message}`);
      return;
    }
  }));
}
