import { QUEUES, RegenerateRatingsV1, RescoreConsumersV1 } from '@app/contracts';
import { ConsumerRater, RatingJob, RegenerateRatingsCommand } from '@app/credit';
import { RabbitMqContext } from '@app/platform';
import { newId } from '@app/shared-kernel';
import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';

@Controller()
export class RatingController {
  constructor(
    private readonly commands: CommandBus,
    private readonly rater: ConsumerRater,
  ) {}

  /** The message stays unacknowledged while the job runs: if this worker dies, the broker redelivers it and the job resumes at its cursor. */
  @MessagePattern(QUEUES.regenerateRatings)
  regenerate(@Payload() message: RegenerateRatingsV1, @Ctx() ctx: RabbitMqContext): Promise<RatingJob> {
    return this.commands.execute(new RegenerateRatingsCommand(message.jobId, { correlationId: ctx.correlationId ?? newId(), causationId: message.jobId }));
  }

  /**
   * Explicit requests and the change events bound to this queue (new transactions, consumer or feature changes). The
   * CPFs are rated in windows (ConsumerRater.rateAll), each window's C summaries read at once. A CPF that fails
   * does not stop the others; the first failure is thrown afterwards, so the message is retried (or dead-lettered)
   * with its reason, and the CPFs already rated come out unchanged on the retry.
   */
  @MessagePattern(QUEUES.rescoreConsumers)
  async rescore(@Payload() message: RescoreConsumersV1, @Ctx() ctx: RabbitMqContext): Promise<{ rated: number }> {
    const metadata = { correlationId: ctx.correlationId ?? newId() };
    // Handled before, in part: a rating stored then may never have been announced, so unchanged ones are announced again.
    const resend = ctx.deliveredBefore ? { since: new Date(0) } : undefined;
    let rated = 0;
    let failure: { reason: unknown } | null = null;
    for (const outcome of await this.rater.rateAll(message.cpfs, metadata, resend)) {
      if (outcome.status === 'rejected') failure ??= { reason: outcome.reason };
      else if (outcome.value === 'RATED') rated += 1;
    }
    if (failure) throw failure.reason;
    return { rated };
  }
}
