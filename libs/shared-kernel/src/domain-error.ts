/**
 * A business rule was broken. Carries a stable, machine-readable code and, when one input is to blame,
 * the field and the reason. Knows nothing of HTTP: the API maps codes to statuses in one filter and the
 * workers map them to ack, retry or dead-letter.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  protected constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that can never become valid by retrying: reject it, never store it. */
export class ValidationError extends DomainError {
  constructor(
    readonly code: string,
    field: string,
    reason: string,
  ) {
    super(reason, field);
  }
}

/** Well formed, but at odds with the current state of what it names (resuming a job that is running): retry later. */
export class ConflictError extends DomainError {
  constructor(
    readonly code: string,
    field: string,
    reason: string,
  ) {
    super(reason, field);
  }
}

export class NotFoundError extends DomainError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
