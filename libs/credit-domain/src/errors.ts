import { NotFoundError, ValidationError } from '@app/shared-kernel';

export class ConsumerNotFoundError extends NotFoundError {
  constructor() {
    super('CONSUMER_NOT_FOUND', 'no consumer is registered under this CPF');
  }
}

export class RatingNotFoundError extends NotFoundError {
  constructor() {
    super('RATING_NOT_FOUND', 'no rating has been generated for this CPF yet');
  }
}

export class RatingJobNotFoundError extends NotFoundError {
  constructor() {
    super('RATING_JOB_NOT_FOUND', 'no rating regeneration job has this id');
  }
}

/** Several inputs of one request are wrong: all of them are reported at once so a client fixes them in one go. */
export class BatchValidationError extends ValidationError {
  constructor(readonly errors: { index: number; code: string; field: string; reason: string }[]) {
    super('BATCH_INVALID', errors[0]?.field ?? 'events', `${errors.length} event(s) are invalid; nothing was stored`);
  }
}
