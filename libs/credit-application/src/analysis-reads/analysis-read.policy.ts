import { Clock, Cpf, DomainError, NotFoundError, ValidationError } from '@app/shared-kernel';
import { Injectable, Optional } from '@nestjs/common';
import type { ApiKeyRecord } from '@app/credit-domain';
import { accessRefusals, checkPurpose, isPurpose } from '../access/access-refusals';
import { ApiKeys } from '../access/api-keys.service';
import { GetCreditAnalysisHandler } from '../get-credit-analysis/get-credit-analysis.handler';
import { GetCreditAnalysisQuery } from '../get-credit-analysis/get-credit-analysis.query';
import { AuditEntryInput, AuditLog, AuditOutcome } from '../ports/audit-log';
import { CachedAnalysisReads, CachedReadResult } from '../ports/cached-analysis-reads';
import { analysisInquiry, newInquiryId } from '../ports/inquiry-recorder';
import { RateLimiter } from '../ports/rate-limiter';
import { AnalysisReadOutcome, AnalysisReadRefusal, AnalysisReadRequest, brokerClient } from './analysis-read';

/** What a credit analysis read is, for access and audit: one rule, whichever entry the request came through. */
export const ANALYSIS_READ = { scope: 'analysis:read', resource: 'ANALYSIS', action: 'READ' } as const;

const UNAVAILABLE: CachedReadResult = { kind: 'unavailable' };

interface Client {
  /** Whose rate-limit budget the read spends. */
  rateKey: string;
  /** Who asked, as the audit log and the inquiry name them. */
  name: string;
}

interface KnownClient {
  client: Client;
  /** Whether it may read analyses. */
  scoped: boolean;
}

function clientOfKey(key: ApiKeyRecord | null): KnownClient | null {
  if (!key) return null;
  return { client: { rateKey: key.id, name: key.name }, scoped: key.scopes.includes(ANALYSIS_READ.scope) };
}

type Checked =
  | { client: Client; purpose: string; cpf: Cpf }
  /** `client` when the request named one: it is audited (when `audit` says how) and its budget spent. */
  | { refusal: AnalysisReadRefusal; audit: AuditOutcome | null; client: Client | null };

/**
 * The rules of reading a credit analysis, applied the same way to the HTTP fast path, the Nest route and RabbitMQ
 * requests: an authenticated client with the analysis scope, a declared purpose from the allowed list, a valid CPF,
 * the per-client rate limit, one audit entry for every outcome a client is known for, and one bureau inquiry per
 * analysis served. A read is counted, served and journalled in one step of CachedAnalysisReads; what that step does
 * not serve (nothing cached, or the step unavailable) is assembled from the stores under the same rules.
 */
@Injectable()
export class AnalysisReadPolicy {
  constructor(
    private readonly keys: ApiKeys,
    private readonly reads: CachedAnalysisReads,
    private readonly limiter: RateLimiter,
    private readonly analyses: GetCreditAnalysisHandler,
    private readonly clock: Clock,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  async read(request: AnalysisReadRequest): Promise<AnalysisReadOutcome> {
    const checked = await this.check(request);
    if ('refusal' in checked) {
      const { client } = checked;
      if (checked.audit && client) await this.record(client, request, checked.audit);
      // A refused read that names a client still spends its budget: refusals are no way to probe for free.
      const rate = client && checked.refusal.status === 400 ? await this.limiter.hit(client.rateKey) : null;
      if (rate && !rate.allowed) return { kind: 'refused', refusal: accessRefusals.rateLimited(rate), rate };
      return { kind: 'refused', refusal: checked.refusal, rate };
    }
    const { client, purpose, cpf } = checked;
    const inquiryId = request.inquiryId ?? newInquiryId();
    const inquiry = analysisInquiry(cpf, client.name, purpose, this.clock.now(), inquiryId);
    // A served read is one act: its inquiry id is its audit entry's key too, so a read both journalled by a step that
    // timed out and served by the stores below is one entry in the log, as it is one event in C.
    const served = { purpose, cpf, idempotencyKey: inquiryId };
    const entry = this.audit?.seal(this.entryOf(client, request, 'SUCCESS', served));
    let step = UNAVAILABLE;
    if (entry) {
      try {
        step = await this.reads.read({ cpf, clientId: client.rateKey, audit: entry, inquiry });
      } catch {
        // A step that throws is one that could not be asked: the stores answer instead.
      }
    }
    if (step.kind === 'hit') return { kind: 'served', json: step.body, cacheHit: true, rate: step.rate };
    const rate = step.kind === 'miss' ? step.rate : await this.limiter.hit(client.rateKey);
    if (!rate.allowed) return { kind: 'refused', refusal: accessRefusals.rateLimited(rate), rate };
    // The step may have journalled this read before it failed (a timeout): its inquiry id makes a repeat harmless.
    const knownMiss = step.kind === 'miss' ? { ticket: step.ticket } : undefined;
    try {
      const query = new GetCreditAnalysisQuery(cpf.value, client.name, purpose, { knownMiss, inquiryId });
      const result = await this.analyses.execute(query);
      await this.record(client, request, 'SUCCESS', served);
      return { kind: 'served', json: result.json, cacheHit: result.cacheHit, rate };
    } catch (error) {
      if (error instanceof NotFoundError) {
        await this.record(client, request, 'NOT_FOUND', { purpose, cpf });
        return { kind: 'refused', refusal: { status: 404, code: error.code, message: error.message }, rate };
      }
      await this.record(client, request, error instanceof DomainError ? 'INVALID' : 'ERROR', { purpose, cpf });
      throw error;
    }
  }

  /** The checks, decided in the same tick when the credential is known without a lookup (a key verified recently). */
  private check(request: AnalysisReadRequest): Checked | Promise<Checked> {
    const { credential } = request;
    if (credential.kind === 'broker-user') {
      if (!credential.user) {
        const message = 'set the AMQP user_id property to the user your connection logs in as; the broker verifies it';
        const refusal = { status: 401, code: 'REQUESTER_UNVERIFIED', message, field: 'properties.user_id' } as const;
        const unverified = brokerClient('unverified');
        return { refusal, audit: 'DENIED', client: { rateKey: unverified, name: unverified } };
      }
      // It reached this queue under the broker's own permissions, which grant the reading.
      const name = brokerClient(credential.user);
      return this.checkClient(request, { client: { rateKey: name, name }, scoped: true });
    }
    const { presented } = credential;
    if (!presented) return this.checkClient(request, null);
    const key = this.keys.authenticateNow(presented);
    if (key !== undefined) return this.checkClient(request, clientOfKey(key));
    return this.keys.authenticate(presented).then((found) => this.checkClient(request, clientOfKey(found)));
  }

  /** The checks once the client is known; null when the credential names none (no key, an unknown or revoked one). */
  private checkClient(request: AnalysisReadRequest, known: KnownClient | null): Checked {
    const { credential } = request;
    if (!known) {
      const refusal =
        credential.kind === 'api-key' && !credential.presented ? accessRefusals.noKey() : accessRefusals.badKey();
      return { refusal, audit: null, client: null };
    }
    const { client, scoped } = known;
    const refuse = (refusal: AnalysisReadRefusal, audit: AuditOutcome): Checked => ({ refusal, audit, client });
    if (!scoped) {
      return refuse(accessRefusals.scopeMissing(ANALYSIS_READ.scope), 'DENIED');
    }
    const declared = checkPurpose(request.purpose);
    if ('refusal' in declared) return refuse(declared.refusal, 'DENIED');
    const { purpose } = declared;
    try {
      return { client, purpose, cpf: Cpf.parse(request.cpf) };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return refuse({ status: 400, code: error.code, message: error.message, field: error.field ?? 'cpf' }, 'INVALID');
    }
  }

  /** The read's audit entry: with what the checks established when they passed, else with what the request held. */
  private entryOf(
    client: Client,
    request: AnalysisReadRequest,
    outcome: AuditOutcome,
    checked?: { purpose: string; cpf: Cpf; idempotencyKey?: string },
  ): AuditEntryInput {
    const declared = request.purpose?.trim() || null;
    const entry: AuditEntryInput = {
      clientId: client.name,
      scope: ANALYSIS_READ.scope,
      purpose: checked ? checked.purpose : declared && isPurpose(declared) ? declared : null,
      cpf: checked ? checked.cpf : Cpf.tryParse(request.cpf),
      action: ANALYSIS_READ.action,
      resource: ANALYSIS_READ.resource,
      outcome,
      requestId: request.requestId,
    };
    if (checked?.idempotencyKey) entry.idempotencyKey = checked.idempotencyKey;
    return entry;
  }

  private async record(
    client: Client,
    request: AnalysisReadRequest,
    outcome: AuditOutcome,
    checked?: { purpose: string; cpf: Cpf; idempotencyKey?: string },
  ) {
    await this.audit?.record(this.entryOf(client, request, outcome, checked));
  }
}
