import { Cpf, newId } from '@app/shared-kernel';
import { BUREAU_SOURCE, BureauInquiry } from '@app/credit-domain';

/** A fresh id for the inquiry of one analysis request. */
export const newInquiryId = (): string => `inq-${newId()}`;

/**
 * The bureau inquiry an analysis records: who asked, why, when. Both the API's fast path and the query handler make it
 * here. One request keeps one eventId whichever path answers it, so an inquiry recorded twice for it (a cached step
 * that timed out in the API but still ran in Redis) is stored once: C keeps the first event of each id.
 */
export function analysisInquiry(
  cpf: Cpf,
  inquirer: string,
  purpose: string,
  occurredAt: Date,
  eventId: string = newInquiryId(),
): BureauInquiry {
  return { type: 'BUREAU_INQUIRY', eventId, cpf, occurredAt, source: BUREAU_SOURCE, inquirer, purpose };
}

/**
 * Where an analysis hands over the bureau inquiry it records, off its request path: an analysis never waits for the
 * event store. The durable record of who read what is the audit log; the inquiry is the bureau-facing copy in C.
 */
export abstract class InquiryRecorder {
  /** Hands the inquiry over; never throws. */
  abstract record(inquiry: BureauInquiry): void;
  /** Resolves when what this process has handed over is stored, or journalled for another process to store. */
  abstract flush(): Promise<void>;
}
