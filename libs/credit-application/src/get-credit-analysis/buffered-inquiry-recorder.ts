import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { BureauInquiry } from '@app/credit-domain';
import { InquiryRecorder } from '../ports/inquiry-recorder';
import { TransactionStore } from '../ports/transaction.store';

const FLUSH_EVERY_MS = 50;
const MAX_BATCH = 1_000;
/** Bound on what waits in memory while the store is away; past it the oldest inquiries are dropped, loudly. */
const MAX_PENDING = 200_000;

/**
 * Writes the bureau inquiries that analyses record to the event store from this process's memory, in batches: one bulk
 * write per flush interval costs far less than one write per request. Failed batches are retried, and pending inquiries
 * are flushed on shutdown; a process that dies loses what it had not written yet (at most one cycle, or the backlog
 * while the store is away). Used when there is no Redis to journal them in (the embedded default), and as the
 * journalled recorder's fallback while Redis is away.
 */
@Injectable()
export class BufferedInquiryRecorder extends InquiryRecorder implements OnApplicationShutdown {
  private readonly logger = new Logger(BufferedInquiryRecorder.name);
  private pending: BureauInquiry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;

  constructor(private readonly store: TransactionStore) {
    super();
  }

  record(inquiry: BureauInquiry): void {
    this.pending.push(inquiry);
    if (this.pending.length > MAX_PENDING) {
      this.pending.shift();
      if (++this.dropped % 1000 === 1)
        this.logger.error(
          `inquiry buffer full: ${this.dropped} inquiries dropped while the event store is unavailable`,
        );
    }
    if (this.pending.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Writes everything pending; resolves when it is stored (tests and shutdown wait on it). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, MAX_BATCH);
    this.flushing = this.store
      .append(batch, { visibility: 'eventual' })
      .then(
        () => undefined,
        (error: Error) => {
          this.logger.warn(`writing ${batch.length} inquiries failed, will retry: ${error.message}`);
          this.pending.unshift(...batch);
          this.timer ??= setTimeout(() => void this.flush(), 1_000);
        },
      )
      .finally(() => (this.flushing = null));
    await this.flushing;
    if (this.pending.length >= MAX_BATCH) await this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
