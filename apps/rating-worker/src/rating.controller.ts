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

  /** Explicit requests and the change events bound to this queue (new transactions, consumer or feature changes). */
  @MessagePattern(QUEUES.rescoreConsumers)
  async rescore(@Payload() message: RescoreConsumersV1, @Ctx() ctx: RabbitMqContext): Promise<{ rated: number }> {
    let rated = 0;
    for (const cpf of new Set(message.cpfs)) {
      if ((await this.rater.rate(cpf, { correlationId: ctx.correlationId ?? newId() })) === 'RATED') rated += 1;
    }
    return { rated };
  }
}
