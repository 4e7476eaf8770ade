import { throttledWarning } from '@app/platform';
import { Clock, Cpf, MessageMetadata, newId } from '@app/shared-kernel';
import { Injectable, Logger, Optional } from '@nestjs/common';
import {
  DebtRecord,
  Rating,
  ratingValidUntil,
  BandMoves,
  RatingHead,
  RatingWrite,
  countBandMove,
  noBandMoves,
  ratingWrite,
  sameOutcome,
  ScoringActivity,
  PartitionLevel,
  CreditScorer,
  buildScoringFacts,
} from '@app/credit-domain';
import { ChangeNotifier } from '../events/change-notifier';
import { RatingChangedEvent } from '../events/rating-changed.event';
import { AuditEntryInput, AuditLog } from '../ports/audit-log';
import { ConsumerRepository } from '../ports/consumer.repository';
import { RatingFeaturesRepository, StoredFeatures } from '../ports/rating-features.repository';
import { RatingCounts } from '../ports/rating-job.repository';
import { RatingRepository } from '../ports/rating.repository';
import { TransactionStore } from '../ports/transaction.store';

/** CPFs rated together: one read per store, one bulk write, one audit batch and one event batch each. */
export const RATING_WINDOW = 1_000;
/** Windows of a partition in flight at once: the next one reads A and C while this one writes. */
const WINDOWS_IN_FLIGHT = 2;

type RateOutcome = 'RATED' | 'UNCHANGED' | 'NO_DATA' | 'FAILED';

/**
 * For work that may already have run once and died between storing ratings and announcing them (a redelivered
 * message, a partition taken over): a rating that comes out unchanged is announced again when the stored one was
 * generated at or after `since`. Consumers of the event only evict and re-read, so a repeat costs a cache miss.
 */
export interface ResendUnchanged {
  since: Date;
}

interface RatingOptions {
  resend?: ResendUnchanged;
  /** Refuse to rate with any other model (a job's); the caller has checked, this keeps it honest. */
  modelVersion?: string;
}

export interface RatingReport {
  counts: RatingCounts;
  bandMoves: BandMoves;
  /** Per CPF rated (digits): what happened to it. */
  outcomes: Map<string, RateOutcome>;
  /** CPFs that failed on their own (invalid stored data), with why. */
  failures: { cpf: string; reason: string }[];
}

/** A CPF to rate, with what a partition read already knows of it; anything left undefined is read for the window. */
interface WindowEntry {
  cpf: Cpf;
  stored?: StoredFeatures | null;
  head?: RatingHead | null;
}

function emptyReport(): RatingReport {
  return {
    counts: { processed: 0, rated: 0, unchanged: 0, noData: 0, failed: 0 },
    bandMoves: noBandMoves(),
    outcomes: new Map(),
    failures: [],
  };
}

function mergeReport(into: RatingReport, other: RatingReport): RatingReport {
  for (const k of Object.keys(into.counts) as (keyof RatingCounts)[]) into.counts[k] += other.counts[k];
  const b = other.bandMoves;
  into.bandMoves.newlyRated += b.newlyRated;
  for (const band of Object.keys(b.from) as (keyof BandMoves['from'])[]) {
    into.bandMoves.from[band].up += b.from[band].up;
    into.bandMoves.from[band].down += b.from[band].down;
    into.bandMoves.from[band].same += b.from[band].same;
  }
  for (const [cpf, outcome] of other.outcomes) into.outcomes.set(cpf, outcome);
  into.failures.push(...other.failures);
  return into;
}

/**
 * The rating engine: rates CPFs set by set. For a window it reads B's features and the latest rating heads, A's debts
 * and C's summaries with one request each, scores in memory, and stores only what changed: one bulk insert of
 * ratings, one audit batch, one cache eviction and one batch of rating-changed events. One CPF is a window of one.
 *
 * A store that fails fails the whole window (the caller retries it; nothing is half-announced: ratings are stored only
 * after their audit entries, and announced only after they are stored). A CPF whose stored data is invalid fails alone.
 */
@Injectable()
export class RatingEngine {
  private readonly warn = throttledWarning(new Logger(RatingEngine.name));

  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly features: RatingFeaturesRepository,
    private readonly ratings: RatingRepository,
    private readonly transactions: TransactionStore,
    private readonly scorer: CreditScorer,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  get modelVersion(): string {
    return this.scorer.modelVersion;
  }

  /** One CPF, for a single change. */
  async rate(cpf: string, metadata: MessageMetadata, options: RatingOptions = {}): Promise<RateOutcome> {
    const report = await this.rateCpfs([cpf], metadata, options);
    const [failure] = report.failures;
    if (failure) throw new Error(failure.reason);
    return report.outcomes.get(Cpf.parse(cpf).value)!;
  }

  /** Any list of CPFs (a rescore batch), each once, in windows. */
  async rateCpfs(
    cpfs: readonly string[],
    metadata: MessageMetadata,
    options: RatingOptions = {},
  ): Promise<RatingReport> {
    const distinct = [...new Map(cpfs.map((c) => Cpf.parse(c)).map((c) => [c.value, c])).values()];
    const report = emptyReport();
    for (let i = 0; i < distinct.length; i += RATING_WINDOW) {
      mergeReport(
        report,
        await this.rateWindow(
          distinct.slice(i, i + RATING_WINDOW).map((cpf) => ({ cpf })),
          metadata,
          options,
        ),
      );
    }
    return report;
  }

  /**
   * Every CPF of one shard or bucket that has features or a rating: heads read once for the partition, features
   * streamed a window at a time. The partition's heads are then stored as one new snapshot, replacing what was read.
   * `progress` is called after each window with the totals so far (a job's heartbeat).
   */
  async ratePartition(
    level: PartitionLevel,
    key: number,
    metadata: MessageMetadata,
    options: RatingOptions & { progress?: (report: RatingReport) => Promise<void> } = {},
  ): Promise<RatingReport> {
    const heads = await this.ratings.headsInPartition(level, key);
    const latest = new Map(heads.latest);
    const report = emptyReport();
    const seen = new Set<string>();
    const inFlight: Promise<void>[] = [];
    const run = async (entries: WindowEntry[]) => {
      const window = await this.rateWindow(entries, metadata, options, latest);
      // Nothing left to rate from (its data was removed): its head no longer belongs in the snapshot.
      for (const [cpf, outcome] of window.outcomes) if (outcome === 'NO_DATA') latest.delete(cpf);
      mergeReport(report, { ...window, outcomes: new Map() });
      await options.progress?.(report);
    };
    const schedule = async (entries: WindowEntry[]) => {
      inFlight.push(run(entries));
      if (inFlight.length >= WINDOWS_IN_FLIGHT) await inFlight.shift();
    };
    try {
      for await (const page of this.features.inPartition(level, key, RATING_WINDOW)) {
        for (const s of page) seen.add(s.cpf);
        await schedule(
          page.map((stored) => ({ cpf: Cpf.parse(stored.cpf), stored, head: heads.latest.get(stored.cpf) ?? null })),
        );
      }
      // Rated before, but without features: consumers known to A alone.
      const rest = [...heads.latest.values()].filter((h) => !seen.has(h.cpf));
      for (let i = 0; i < rest.length; i += RATING_WINDOW) {
        await schedule(
          rest.slice(i, i + RATING_WINDOW).map((head) => ({ cpf: Cpf.parse(head.cpf), stored: null, head })),
        );
      }
    } finally {
      await Promise.allSettled(inFlight);
    }
    await Promise.all(inFlight);
    // The partition's heads as one snapshot, unless what was read already is one and nothing changed.
    const changed = report.counts.rated > 0 || latest.size !== heads.latest.size;
    if (changed || !heads.read.compact)
      await this.ratings.writeSnapshot(level, key, newId(), latest.values(), heads.read);
    return report;
  }

  /**
   * `snapshot`: a partition's latest heads, when the window belongs to one: its writes then update that map, and their
   * heads go into the partition's snapshot instead of being stored loose.
   */
  /**
   * The CPFs of one shard or bucket whose latest rating the calendar has made unservable (validUntil passed): a
   * negative record it used is no longer reportable. Only their heads are read in bulk (the partition's snapshot);
   * their features are looked up one window at a time. Nothing else of the partition is read or written.
   */
  async rateExpired(
    level: PartitionLevel,
    key: number,
    metadata: MessageMetadata,
    options: RatingOptions = {},
  ): Promise<RatingReport> {
    const heads = await this.ratings.headsInPartition(level, key);
    const now = this.clock.now().getTime();
    const due = [...heads.latest.values()].filter((h) => h.validUntil !== null && h.validUntil.getTime() <= now);
    const report = emptyReport();
    if (due.length === 0) return report;
    const latest = new Map(heads.latest);
    for (let i = 0; i < due.length; i += RATING_WINDOW) {
      const window = await this.rateWindow(
        due.slice(i, i + RATING_WINDOW).map((head) => ({ cpf: Cpf.parse(head.cpf), head })),
        metadata,
        options,
        latest,
      );
      mergeReport(report, window);
    }
    await this.ratings.writeSnapshot(level, key, newId(), latest.values(), heads.read);
    return report;
  }

  private async rateWindow(
    entries: WindowEntry[],
    metadata: MessageMetadata,
    options: RatingOptions,
    snapshot?: Map<string, RatingHead>,
  ): Promise<RatingReport> {
    if (options.modelVersion && options.modelVersion !== this.scorer.modelVersion) {
      throw new Error(
        `asked to rate with model ${options.modelVersion}, but this process scores with ${this.scorer.modelVersion}`,
      );
    }
    const now = this.clock.now();
    const cpfs = entries.map((e) => e.cpf);
    const needFeatures = entries.filter((e) => e.stored === undefined).map((e) => e.cpf);
    const needHeads = entries.filter((e) => e.head === undefined).map((e) => e.cpf);
    const [features, heads, debts, activities] = await Promise.all([
      needFeatures.length ? this.features.findMany(needFeatures) : new Map<string, StoredFeatures>(),
      needHeads.length ? this.ratings.headsOf(needHeads) : new Map<string, RatingHead>(),
      this.consumers.debtsOf(cpfs),
      this.transactions.scoringActivityMany(cpfs, now),
    ]);
    const report = emptyReport();
    const writes: RatingWrite[] = [];
    const events: RatingChangedEvent[] = [];
    for (const entry of entries) {
      const cpf = entry.cpf.value;
      const stored = entry.stored !== undefined ? entry.stored : (features.get(cpf) ?? null);
      const head = entry.head !== undefined ? entry.head : (heads.get(cpf) ?? null);
      const decision = this.decide(entry.cpf, stored, head, debts.get(cpf) ?? null, activities.get(cpf), now, options);
      report.counts.processed += 1;
      report.outcomes.set(cpf, decision.outcome);
      switch (decision.outcome) {
        case 'FAILED':
          report.counts.failed += 1;
          report.failures.push({ cpf, reason: decision.reason });
          this.warn(`a CPF could not be rated: ${decision.reason}`);
          break;
        case 'NO_DATA':
          report.counts.noData += 1;
          break;
        case 'UNCHANGED':
          report.counts.unchanged += 1;
          if (head) countBandMove(report.bandMoves, head.band, head.band);
          if (decision.again)
            events.push(new RatingChangedEvent(decision.again, head?.previousScore ?? null, metadata));
          break;
        case 'RATED':
          report.counts.rated += 1;
          countBandMove(report.bandMoves, head?.band ?? null, decision.write.rating.props.band);
          writes.push(decision.write);
          events.push(new RatingChangedEvent(decision.write.rating, head?.score ?? null, metadata));
          break;
      }
    }
    if (writes.length > 0) {
      // Audited before stored: a crash in between leaves an entry for a rating a retry then stores, never the reverse.
      await this.audit?.recordMany(writes.map((w) => auditEntry(w, metadata)));
      await this.ratings.append(writes, { heads: !snapshot });
      for (const w of writes) snapshot?.set(w.head.cpf, w.head);
    }
    await this.changes.notifyMany(events);
    return report;
  }

  /** What to do with one CPF of a window: pure, given what the window read. */
  private decide(
    cpf: Cpf,
    stored: StoredFeatures | null,
    head: RatingHead | null,
    debts: DebtRecord | null,
    activity: ScoringActivity | undefined,
    now: Date,
    options: RatingOptions,
  ): Decision {
    if (stored?.problem) return { outcome: 'FAILED', reason: stored.problem };
    const features = stored?.features ?? null;
    if (!features && !debts) return { outcome: 'NO_DATA' };
    if (!activity) throw new Error('the C activity of a window must cover every CPF in it');
    const featuresAt = features?.props.updatedAt ?? null;
    // A rating from newer features is already stored (a rescore overtook this partition's read): ours would be stale.
    if (head?.featuresAt && featuresAt && head.featuresAt.getTime() > featuresAt.getTime())
      return { outcome: 'UNCHANGED' };
    const rating = Rating.create({
      cpf,
      ...this.scorer.score(buildScoringFacts(debts, features, activity, now)),
      generatedAt: now,
      validUntil: ratingValidUntil(debts, now),
    });
    if (!sameOutcome(head, rating)) return { outcome: 'RATED', write: ratingWrite(rating, head, featuresAt) };
    const announce = head && options.resend && head.generatedAt.getTime() >= options.resend.since.getTime();
    return {
      outcome: 'UNCHANGED',
      again: announce ? Rating.create({ ...rating.props, generatedAt: head.generatedAt }) : undefined,
    };
  }
}

type Decision =
  | { outcome: 'FAILED'; reason: string }
  | { outcome: 'NO_DATA' }
  | { outcome: 'UNCHANGED'; again?: Rating }
  | { outcome: 'RATED'; write: RatingWrite };

/** Ratings are B data written by the system, not by a REST client: they are audited all the same. */
function auditEntry(write: RatingWrite, metadata: MessageMetadata): AuditEntryInput {
  return {
    clientId: metadata.clientId ?? 'rating-engine',
    scope: 'system:rating',
    purpose: null,
    cpf: write.rating.cpf,
    action: 'WRITE',
    resource: 'RATING',
    outcome: 'SUCCESS',
    requestId: metadata.correlationId,
  };
}
