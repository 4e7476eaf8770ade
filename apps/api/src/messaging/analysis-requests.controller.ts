import { createHash } from 'node:crypto';
import { AnalysisReplyV1, AnalysisRequestV1, QUEUES } from '@app/contracts';
import { AnalysisReadPolicy } from '@app/credit-application';
import { RabbitMqContext } from '@app/platform';
import { newId } from '@app/shared-kernel';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';

/**
 * Partners ask for an analysis over RabbitMQ (reply-to + correlation id); the answer is what REST would return, under
 * the same analysis-read policy as GET /v1/credit-analyses/{cpf}. The credential is the AMQP `user_id`, which RabbitMQ
 * checks against the connection's login (a mismatch closes the publisher's channel): that verified user is charged
 * the REST per-client rate limit, named on the audit entry and on the bureau inquiry (`amqp:<user>`), never the
 * self-declared `requester`, which anyone could set to another partner's name. A body that breaks the published
 * schema is answered SCHEMA_INVALID by the transport before it gets here, like every message.
 */
@Controller()
export class AnalysisRequestsController {
  constructor(private readonly policy: AnalysisReadPolicy) {}

  @MessagePattern(QUEUES.analysisRequests)
  async analyse(@Payload() request: AnalysisRequestV1, @Ctx() context: RabbitMqContext): Promise<AnalysisReplyV1> {
    const user = (context.message.properties.userId as string | undefined) || null;
    const outcome = await this.policy.read({
      credential: { kind: 'broker-user', user },
      purpose: request.purpose,
      cpf: request.cpf,
      requestId: context.correlationId?.slice(0, 64) || newId(),
      inquiryId: user ? inquiryIdOf(user, request, context) : undefined,
    });
    if (outcome.kind === 'served') {
      return { ok: true, analysis: JSON.parse(outcome.json.toString()) };
    }
    const { code, message, field } = outcome.refusal;
    return { ok: false, error: { code, message, ...(field ? { field } : {}) } };
  }
}

/**
 * A request that names itself with a message_id keeps one inquiry however often it is delivered (a redelivery after a
 * crash, a retry after a transient failure): the id is derived from the verified user, that message_id and what was
 * asked, so C stores it once. A message_id reused for another CPF or purpose is another read, and another inquiry.
 * Without a message_id every delivery is a new inquiry. The user is part of the id, so one partner's ids can never
 * collapse another's inquiries.
 */
function inquiryIdOf(user: string, request: AnalysisRequestV1, context: RabbitMqContext): string | undefined {
  const messageId = context.message.properties.messageId as string | undefined;
  if (!messageId) return undefined;
  const asked = `${user}\n${messageId}\n${request.cpf.replace(/\D/g, '')}\n${request.purpose.trim()}`;
  return `inq-amqp-${createHash('sha256').update(asked).digest('hex').slice(0, 40)}`;
}
