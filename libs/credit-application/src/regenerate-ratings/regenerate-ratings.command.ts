import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { RatingCounts, RatingJobScope } from '../ports/rating-job.repository';
import { RatingJob } from './rating-job.view';

/** API side: register a job for one CPF, a list, or the whole base, and hand it to the rating workers. */
export class StartRatingRegenerationCommand extends Command<RatingJob> {
  constructor(
    readonly scope: RatingJobScope,
    readonly metadata: MessageMetadata,
    /** Rate with this model version (a model release); by default the one this deployment scores with. */
    readonly modelVersion?: string,
    /**
     * A job id of the caller's (a day's expiry sweep): a job already registered under it is answered, not registered
     * again.
     */
    readonly jobId?: string,
  ) {
    super();
  }
}

/** Worker side: send a work message for every partition of the job that is neither completed nor running. */
export class RegenerateRatingsCommand extends Command<number> {
  constructor(
    readonly jobId: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}

/**
 * Worker side: rate one partition of a job, once its lease is this worker's. Answers what the partition's run counted,
 * or null when this worker did not rate it (another worker completed it or took it over).
 */
export class RatePartitionCommand extends Command<RatingCounts | null> {
  constructor(
    readonly jobId: string,
    readonly index: number,
    readonly metadata: MessageMetadata,
    /** Whether this is the message's last delivery: a failure then is final, not retried. */
    readonly lastAttempt = false,
  ) {
    super();
  }
}
