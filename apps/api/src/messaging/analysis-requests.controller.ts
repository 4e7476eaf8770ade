import { createHash } from 'node:crypto';
import { AnalysisReplyV1, AnalysisRequestV1, QUEUES } from '@app/contracts';
import { AuditLog, AuditOutcome, GetCreditAnalysisQuery, RateLimiter } from '@app/credit';
import { RabbitMqContext } from '@app/platform';
import { Cpf, newId } from '@app/shared-kernel';
import { Controller, Optional } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { ACCESS, AccessRule } from '../auth/access.decorators';
import { outcomeOf } from '../auth/audit.interceptor';
import { CreditAnalysesController } from '../credit-analyses/credit-analyses.controller';

/** Audit entries of analysis requests name the broker user that sent them, apart from API clients' names. */
export const amqpClient = (user: string) => `amqp:${user}`;

/**
 * Partners ask for an analysis over RabbitMQ (reply-to + correlation id); the answer is what REST would return, under
 * the same rules as GET /v1/credit-analyses/{cpf}: the broker authenticated the partner's connection, and the request
 * must name that user in the AMQP `user_id` property, which RabbitMQ checks against the connection (a mismatch closes
 * the publisher's channel). That verified user is charged the REST per-client rate limit (so the queue is no way
 * around it to list consumers in bulk), and every request leaves an audit entry under it: refused, not found or
 * served. The consulter the data subject is shown, on the inquiry and in the audit log alike, is that verified user
 * (`amqp:<user>`), never the self-declared `requester`, which anyone could set to another partner's name.
 */
@Controller()
export class AnalysisRequestsController {
  private readonly rule: AccessRule & { audit: NonNullable<AccessRule['audit']> };

  constructor(
    private readonly queries: QueryBus,
    private readonly limiter: RateLimiter,
    @Optional() private readonly audit?: AuditLog,
  ) {
    const rule = Reflect.getMetadata(ACCESS, CreditAnalysesController.prototype.get) as AccessRule | undefined;
    if (!rule?.audit) throw new Error('GET /v1/credit-analyses/:cpf must declare an audit rule');
    this.rule = { ...rule, audit: rule.audit };
  }

  @MessagePattern(QUEUES.analysisRequests)
  async analyse(@Payload() request: AnalysisRequestV1, @Ctx() context: RabbitMqContext): Promise<AnalysisReplyV1> {
    const user = context.message.properties.userId as string | undefined;
    const requestId = context.correlationId?.slice(0, 64) || newId();
    const record = (outcome: AuditOutcome) => this.record(user ? amqpClient(user) : amqpClient('unverified'), request, requestId, outcome);
    if (!user) {
      await record('DENIED');
      return refused('REQUESTER_UNVERIFIED', 'set the AMQP user_id property to the user your connection logs in as; the broker verifies it', 'properties.user_id');
    }
    const rate = await this.limiter.hit(amqpClient(user));
    if (!rate.allowed) return refused('RATE_LIMITED', `more than ${rate.limit} requests this minute; retry in ${rate.resetSeconds} s`);
    try {
      const result = await this.queries.execute(
        new GetCreditAnalysisQuery(
          request.cpf,
          amqpClient(user),
          request.purpose,
          { inquiryId: inquiryIdOf(user, context) },
        )
      );
      await record('SUCCESS');
      return { ok: true, analysis: JSON.parse(result.json) };
    } catch (error) {
      await record(outcomeOf(error));
      throw error;
    }
  }

  private async record(clientId: string, request: AnalysisRequestV1, requestId: string, outcome: AuditOutcome): Promise<void> {
    await this.audit?.record({
      clientId, scope: this.rule.scope, purpose: request.purpose, cpf: Cpf.tryParse(request.cpf), action: this.rule.audit.action,
      resource: this.rule.audit.resource, outcome, requestId,
    });
  }
}

/**
 * A request that names itself with a message_id keeps one inquiry however often it is delivered (a redelivery after a
 * crash, a retry after a transient failure): the id is derived from the verified user and that message_id, so C stores
 * it once. Without a message_id every delivery is a new inquiry. The user is part of the id, so one partner's ids can
 * never collapse another's inquiries.
 */
function inquiryIdOf(user: string, context: RabbitMqContext): string | undefined {
  const messageId = context.message.properties.messageId as string | undefined;
  if (!messageId) return undefined;
  return `inq-amqp-${createHash('sha256').update(`${user}\n${messageId}`).digest('hex').slice(0, 40)}`;
}

function refused(code: string, message: string, field?: string): AnalysisReplyV1 {
  return { ok: false, error: { code, message, ...(field ? { field } : {}) } };
}
