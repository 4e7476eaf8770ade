import {
  auditAnchorInterval,
  auditAnchorSequence,
  auditAnchorTimestamp,
  auditChainHead,
  exposeMetric,
  metricsEnabled,
  onScrape,
  throttledWarning,
} from '@app/platform';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { anchorToken } from './audit-anchor';
import { TypeormAuditLog } from './typeorm-audit-log';

/**
 * Logs the audit chain's head now and then, as an anchor token (`seq:hash`), whenever it moved. A hash chain alone
 * cannot show that its newest entries were deleted, or that the table's owner rewrote it, hashes and all. The log
 * lines, shipped to wherever this deployment keeps its logs, hold anchors that owner cannot reach, and
 * `npm run audit:verify -- --anchor <seq>:<hash>` checks the chain against any of them.
 */
export class AuditAnchorLog implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditAnchor');
  private readonly warn = throttledWarning(this.logger, 60_000);
  private timer: NodeJS.Timeout | null = null;
  private last: string | null = null;
  private unwatch: () => void = () => undefined;

  constructor(
    private readonly log: TypeormAuditLog,
    private readonly everyMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.everyMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
    this.exposeMetrics();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unwatch();
  }

  /**
   * The chain's head (read at each scrape) beside the last anchor this process logged and when: an alert fires when
   * the chain has moved past an anchor that is older than two intervals (docs/operations.md).
   */
  private exposeMetrics(): void {
    if (!metricsEnabled()) return;
    for (const metric of [auditChainHead, auditAnchorSequence, auditAnchorTimestamp, auditAnchorInterval]) {
      exposeMetric(metric);
    }
    auditAnchorInterval.set(this.everyMs / 1000);
    // Until the first anchor, the age counts from this start: a process that never anchors is noticed too.
    auditAnchorTimestamp.set(Date.now() / 1000);
    this.unwatch = onScrape(async () => {
      const head = await this.log.head();
      auditChainHead.set(head?.seq ?? 0);
    });
  }

  /** Logs the head if it moved since the last line; answers the token, or null when nothing was logged. */
  async tick(): Promise<string | null> {
    try {
      const head = await this.log.head();
      if (!head) return null;
      const token = anchorToken(head);
      if (token === this.last) return null;
      this.last = token;
      auditAnchorSequence.set(head.seq);
      auditAnchorTimestamp.set(Date.now() / 1000);
      this.logger.log(
        `audit chain head ${token} (an anchor: keep it outside the database; check with npm run audit:verify -- --anchor ${token})`,
      );
      return token;
    } catch (error) {
      this.warn(`could not read the audit chain's head for an anchor: ${(error as Error).message}`);
      return null;
    }
  }
}
