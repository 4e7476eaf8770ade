import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { RatingJob, RatingJobScope } from '../ports/rating-job.repository';

/** API side: register a job for one CPF, a list, or the whole base, and hand it to the rating worker. */
export class StartRatingRegenerationCommand extends Command<RatingJob> {
  constructor(
    readonly scope: RatingJobScope,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}

/** Worker side: run (or resume) a registered job to its end. */
export class RegenerateRatingsCommand extends Command<RatingJob> {
  constructor(
    readonly jobId: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
