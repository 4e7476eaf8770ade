import { DomainError } from '@app/shared-kernel';
import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { InquiryRecorder, TransactionStore } from '@app/credit-application';
import {
  BUREAU_SOURCE,
  BureauInquiry,
  eventToJson,
  parseTransactionEvent,
  TransactionEventInput,
} from '@app/credit-domain';
import { RedisClient, RedisLayout, layoutOf } from './redis-client';
import { JournalSink, RedisJournalRelay, RelayOptions } from './redis-journal-relay';
import { Journal, journalStreamOf, redisJournals } from './redis-keys';
import { RedisJournalWriter } from './redis-journal-writer';

/**
 * An inquiry as it waits in the journal: its wire shape, the one partners ingest, so the relay reads it back with the
 * same rules, and beside it the source it is stored under.
 */
export function inquiryJournalEntry(inquiry: BureauInquiry): string {
  return JSON.stringify({ source: inquiry.source, event: eventToJson(inquiry) });
}

/** Reads a journalled inquiry back, or says which field is wrong; older entries, without a source, are the bureau's. */
export function parseJournalledInquiry(raw: string | undefined): BureauInquiry {
  if (raw === undefined) throw new Error('entry: missing');
  const entry = JSON.parse(raw) as { source?: unknown; event?: unknown };
  const wrapped = typeof entry === 'object' && entry !== null && 'event' in entry;
  const source = wrapped ? entry.source : BUREAU_SOURCE;
  if (typeof source !== 'string' || source.length === 0) throw new Error('source: must be a non-empty string');
  let event;
  try {
    event = parseTransactionEvent(
      (wrapped ? entry.event : entry) as TransactionEventInput,
      new Date(),
      'inquiry',
      source,
    );
  } catch (error) {
    if (error instanceof DomainError) throw new Error(`${error.field ?? 'inquiry'}: ${error.message}`);
    throw error;
  }
  if (event.type !== 'BUREAU_INQUIRY') throw new Error(`inquiry.type: must be BUREAU_INQUIRY, got ${event.type}`);
  return event;
}

/**
 * Hands inquiries over by journalling them in Redis (one XADD, pipelined with the request's other commands), for
 * RedisInquiryJournalRelay to store in C from whichever process runs it. Nothing waits in this process's memory, so a
 * crash loses no inquiry, and the API spends no time on Elasticsearch bulks. While Redis is away the inquiries go to
 * the buffered recorder, which writes them to the store itself.
 */
export class RedisJournalledInquiryRecorder extends InquiryRecorder implements BeforeApplicationShutdown {
  private readonly journal: Journal;
  private readonly writer: RedisJournalWriter;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    redis: RedisClient,
    private readonly fallback: InquiryRecorder,
    namespace: string,
    /** Replicas that must hold a journalled inquiry (REDIS_JOURNAL_REPLICAS); otherwise the fallback stores it. */
    replicas = 0,
  ) {
    super();
    this.journal = redisJournals.inquiry(namespace, layoutOf(redis));
    const unavailable = 'inquiry journal unavailable, writing inquiries to the event store directly';
    const logger = new Logger(RedisJournalledInquiryRecorder.name);
    this.writer = new RedisJournalWriter(redis, this.journal, unavailable, logger, replicas);
  }

  record(inquiry: BureauInquiry): void {
    // An inquiry that reaches the store twice (a timed-out XADD that landed) is stored once: its event id. The CPF's
    // shard keeps its inquiries in one stream, in order, as its cached reads journal them.
    const stream = journalStreamOf(this.journal, inquiry.cpf);
    const sent = this.writer.append(inquiryJournalEntry(inquiry), stream).then((journalled) => {
      if (!journalled) this.fallback.record(inquiry);
    });
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
    await this.fallback.flush();
  }

  /**
   * Before any module's shutdown closes the Redis connection: inquiries of requests that just finished are not lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}

/** Stores journalled inquiries in C. */
export class RedisInquiryJournalRelay extends RedisJournalRelay<BureauInquiry> {
  constructor(redis: RedisClient, store: TransactionStore, namespace: string, options: RelayOptions = {}) {
    super(redis, inquiryJournalSink(store, namespace, layoutOf(redis)), { cycleMs: INQUIRY_CYCLE_MS, ...options });
  }
}

/**
 * Inquiries are eventually visible anyway (Elasticsearch refreshes every second), so they travel in fewer, larger
 * bulks than audit entries: a short cycle costs Elasticsearch a bulk request per handful of inquiries.
 */
const INQUIRY_CYCLE_MS = 500;

export function inquiryJournalSink(
  store: TransactionStore,
  namespace: string,
  layout: RedisLayout,
): JournalSink<BureauInquiry> {
  return {
    ...redisJournals.inquiry(namespace, layout),
    name: 'event store',
    parse: parseJournalledInquiry,
    deliver: async (inquiries) => {
      // Event ids make a repeated append a no-op, so after a failed bulk each inquiry can be tried alone: the store
      // being away fails them all, and only an inquiry the store refuses for itself is singled out.
      try {
        await store.append(inquiries, { visibility: 'eventual' });
        return inquiries.map(() => null);
      } catch (error) {
        if (inquiries.length === 1) return [error as Error];
        const single = await Promise.allSettled(
          inquiries.map((inquiry) => store.append([inquiry], { visibility: 'eventual' })),
        );
        return single.map((r) => (r.status === 'rejected' ? (r.reason as Error) : null));
      }
    },
  };
}
