import { ValidationError } from '@app/shared-kernel';

/** Runs `fn` and returns the ValidationError it throws, so a test can assert its code, field and reason. */
export function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}
