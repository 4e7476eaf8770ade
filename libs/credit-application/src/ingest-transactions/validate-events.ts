import { DomainError } from '@app/shared-kernel';
import { BUREAU_SOURCE, TransactionEvent, TransactionEventInput, parseTransactionEvent } from '@app/credit-domain';
import { RejectedEvent } from './ingest-transactions.command';

/**
 * Parses a batch reported by `source`, keeping every valid event (with its index in the batch) and a precise reason
 * for every invalid one. Entry points pass the verified client's source; only data the bureau generates itself (demo
 * data, benchmarks) is left to the default.
 */
export function validateEvents(
  inputs: TransactionEventInput[],
  now: Date,
  source: string = BUREAU_SOURCE,
): { valid: TransactionEvent[]; indexes: number[]; rejected: RejectedEvent[] } {
  const valid: TransactionEvent[] = [];
  const indexes: number[] = [];
  const rejected: RejectedEvent[] = [];
  inputs.forEach((input, index) => {
    try {
      valid.push(parseTransactionEvent(input, now, `events[${index}]`, source));
      indexes.push(index);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const eventId = typeof input?.eventId === 'string' ? input.eventId : null;
      rejected.push({
        index,
        eventId,
        code: error.code,
        field: error.field ?? `events[${index}]`,
        reason: error.message,
      });
    }
  });
  return { valid, indexes, rejected };
}
