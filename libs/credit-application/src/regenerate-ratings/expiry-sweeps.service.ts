import { CalendarDate, Clock } from '@app/shared-kernel';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { RatingJob } from './rating-job.view';
import { StartRatingRegenerationCommand } from './regenerate-ratings.command';
import { ResumeRatingRegenerationCommand } from './resume-rating-regeneration.handler';

/** Optional provider: how often (ms) a process checks that today's sweep is registered; 0 turns sweeps off here. */
export const EXPIRY_SWEEP_CHECK_MS = 'EXPIRY_SWEEP_CHECK_MS';
const DEFAULT_CHECK_MS = 10 * 60_000;
/** A sweep registered this long ago with no partition started was never fanned out (its registrant died): send it. */
const UNSENT_AFTER_MS = 2 * 60_000;
const CALENDAR_CLIENT = 'rating-engine:calendar';

/** The id of a day's sweep: the same in every process, so one job per day however many workers register it. */
export function expirySweepJobId(day: CalendarDate): string {
  const h = createHash('sha256').update(`expiry-sweep:${day.toString()}`).digest('hex');
  // A UUID (version 5 layout) so that it is a job id like any other.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Re-rates, once a day, the CPFs whose rating the calendar has made unservable: negative records stop being reportable
 * at the start of a day in Brasília (CDC art. 43 §1 and §5), so the stored ratings, and partners' feeds of rating
 * changes, follow the law without waiting for a read (which re-rates on the spot too, see CurrentRatings). Every rating
 * worker runs this; the day's job id is shared, so the day has one sweep.
 */
@Injectable()
export class ExpirySweeps implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySweeps.name);
  private timer: NodeJS.Timeout | null = null;
  private readonly everyMs: number;

  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    @Optional() @Inject(EXPIRY_SWEEP_CHECK_MS) everyMs?: number,
  ) {
    this.everyMs = everyMs ?? DEFAULT_CHECK_MS;
  }

  onApplicationBootstrap(): void {
    if (this.everyMs <= 0) return;
    const check = () =>
      void this.ensureToday().catch((error: Error) =>
        this.logger.warn(`expiry sweep not registered: ${error.message}`),
      );
    this.timer = setInterval(check, this.everyMs);
    this.timer.unref();
    check();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Registers today's sweep (Brasília's calendar) unless it is, and sends it again if its registrant never did. */
  async ensureToday(): Promise<RatingJob> {
    const day = CalendarDate.today(this.clock.now());
    const metadata = { correlationId: `expiry-sweep:${day.toString()}`, clientId: CALENDAR_CLIENT };
    const job = await this.commands.execute(
      new StartRatingRegenerationCommand({ kind: 'EXPIRED' }, metadata, undefined, expirySweepJobId(day)),
    );
    const unsent = job.status === 'PENDING' && this.clock.now().getTime() - job.createdAt.getTime() >= UNSENT_AFTER_MS;
    return unsent ? this.commands.execute(new ResumeRatingRegenerationCommand(job.id, metadata)) : job;
  }
}
