import { BureauInquiry } from '../../domain/transactions/transaction-event';

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
