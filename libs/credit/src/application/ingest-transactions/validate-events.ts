import { DomainError } from '@app/shared-kernel';
import { TransactionEvent, TransactionEventInput, parseTransactionEvent } from '../../domain/transactions/transaction-event';
import { RejectedEvent } from './ingest-transactions.command';

/** Parses a batch, keeping every valid event and a precise reason for every invalid one. */
export function validateEvents(inputs: TransactionEventInput[], now: Date): { valid: TransactionEvent[]; rejected: RejectedEvent[] } {
  const valid: TransactionEvent[] = [];
  const rejected: RejectedEvent[] = [];
  inputs.forEach((input, index) => {
    try {
      valid.push(parseTransactionEvent(input, now, `events[${index}]`));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const eventId = typeof input?.eventId === 'string' ? input.eventId : null;
      rejected.push({ index, eventId, code: error.code, field: error.field ?? `events[${index}]`, reason: error.message });
    }
  });
  return { valid, rejected };
}
