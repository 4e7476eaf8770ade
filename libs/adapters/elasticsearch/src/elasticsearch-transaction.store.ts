import { Cpf, DAY_MS, ValidationError } from '@app/shared-kernel';
import { errors, estypes } from '@elastic/elasticsearch';
import { ElasticsearchService } from '@nestjs/elasticsearch';
import {
  AppendOptions,
  AppendOutcome,
  AppendResult,
  TransactionPage,
  TransactionStore,
  TransactionWindow,
  decodeCursor,
  encodeCursor,
  sixMonthsAgo,
} from '@app/credit-application';
import {
  CREDIT_DECISION_PURPOSES,
  BureauInquiry,
  MovementKind,
  TransactionEvent,
  CardPurchaseSummary,
  InquirySummary,
  MovementWindow,
  ScoringActivity,
  TransactionSummary,
} from '@app/credit-domain';
import { CoalescedRefresh } from './coalesced-refresh';
import {
  TRANSACTION_MAPPINGS,
  TransactionDocument,
  TransactionElasticsearchMapper as Mapper,
  documentId,
} from './transaction.elasticsearch-mapper';

interface ElasticsearchTransactionStoreOptions {
  index: string;
  /**
   * How an 'immediate' append becomes readable before it resolves: 'coalesced' shares one explicit `_refresh` among
   * the appends in flight (CoalescedRefresh); 'wait_for' waits for the periodic refresh, which caps throughput
   * (docs/architecture.md); false, for bulk loads, waits for nothing.
   */
  refresh: 'coalesced' | 'wait_for' | false;
  /** One shard is plenty for one CPF-keyed trail on one node; more spread a new index's writes over a cluster. */
  shards?: number;
  /**
   * Copies of each shard besides the primary. Null or absent: 1 when the cluster has more than one data node, 0 on a
   * single node, where a replica could never be placed and the index would stay yellow.
   */
  replicas?: number | null;
  /** Bulk requests stay well under http.max_content_length and the coordinating node's memory. */
  chunkSize?: number;
}

/** Same order as the embedded store: newest first, then event id so ties page deterministically. */
const NEWEST_FIRST: estypes.SortCombinations[] = [{ occurredAt: { order: 'desc' } }, { eventId: { order: 'asc' } }];
/** What the newest inquiry and the newest card purchase show, read from their one top hit per type. */
const LAST_EVENT_FIELDS = [
  'occurredAt',
  'inquirer',
  'purpose',
  'merchant',
  'mcc',
  'amountCents',
  'installments',
  'approved',
];

interface CountAgg {
  doc_count: number;
}
interface SumAgg {
  value: number | null;
}
interface TopHitsAgg {
  hits: { hits: Array<{ _source?: Partial<TransactionDocument> }> };
}
type WindowKey = '30d' | '90d' | '6m';
interface WindowAgg extends CountAgg {
  sign: { buckets: Record<'in' | 'out', CountAgg & { cents: SumAgg }> };
  byKind: { buckets: Array<{ key: string; net: SumAgg }> };
  approved: { buckets: Array<CountAgg & { key: number | string; cents: SumAgg }> };
}
interface TypeBucket extends CountAgg {
  key: TransactionEvent['type'];
  last: TopHitsAgg;
  windows: { buckets: Record<WindowKey, WindowAgg> };
}
interface SummaryAggs {
  byType: { buckets: TypeBucket[] };
}
interface ActivityAggs {
  byCpf: {
    buckets: Array<{
      key: string | number;
      inquiries: CountAgg;
      movements: CountAgg & { sign: { buckets: Record<'in' | 'out', CountAgg & { cents: SumAgg }> } };
      cards: CountAgg & { approved: CountAgg & { cents: SumAgg } };
    }>;
  };
}

const NO_WINDOW: WindowAgg = {
  doc_count: 0,
  sign: { buckets: { in: { doc_count: 0, cents: { value: 0 } }, out: { doc_count: 0, cents: { value: 0 } } } },
  byKind: { buckets: [] },
  approved: { buckets: [] },
};

/**
 * C_TRANSACTIONS on Elasticsearch: one document per event, `_id` from (source, event id) (documentId), so `create`
 * makes re-ingest by the same source a no-op while another source's event with the same id is stored beside it.
 * Documents without a source (`_id` = event id) match only the same event, checked with one `mget` per bulk while an
 * index holds any. Built by a factory (it needs options and an awaited ensureIndex), hence no @Injectable.
 */
export class ElasticsearchTransactionStore extends TransactionStore {
  readonly index: string;
  private readonly refresh: 'coalesced' | 'wait_for' | false;
  private readonly chunkSize: number;
  private readonly refresher = new CoalescedRefresh(() => this.refreshIndex());
  /** Whether the index may hold documents without a source; cleared by ensureIndex when it holds none. */
  private legacyDocuments = true;

  constructor(
    private readonly es: ElasticsearchService,
    private readonly options: ElasticsearchTransactionStoreOptions,
  ) {
    super();
    this.index = options.index;
    this.refresh = options.refresh;
    this.chunkSize = options.chunkSize ?? 5_000;
  }

  get templateName(): string {
    return `${this.index}-template`;
  }

  /**
   * Safe to call on every start and from several instances at once: converges on the template, the index, its mapping
   * and its number of replicas (the one index setting that can change in place; the shard count stays as created).
   */
  async ensureIndex(): Promise<void> {
    const replicas = this.options.replicas ?? ((await this.es.cluster.health()).number_of_data_nodes > 1 ? 1 : 0);
    await this.es.indices.putIndexTemplate({
      name: this.templateName,
      // The exact name, not a wildcard, so templates of different indexes (tests, versions) never overlap.
      index_patterns: [this.index],
      // Above the built-in templates (priority 100) in case someone names the index like one of their patterns.
      priority: 500,
      template: {
        settings: { number_of_shards: this.options.shards ?? 1, number_of_replicas: replicas },
        mappings: TRANSACTION_MAPPINGS,
      },
      _meta: { owner: 'credit', port: 'TransactionStore' },
    });
    try {
      // No exists() check first: two instances starting together would both see "missing" and one create would fail.
      await this.es.indices.create({ index: this.index });
      this.legacyDocuments = false;
    } catch (error) {
      if (errorType(error) !== 'resource_already_exists_exception') throw error;
      // An index made before the template (or by an older version) gets the fields it lacks; a conflicting type fails
      // loudly here.
      await this.es.indices.putMapping({ index: this.index, ...TRANSACTION_MAPPINGS });
      await this.es.indices.putSettings({ index: this.index, settings: { number_of_replicas: replicas } });
      await this.es.indices.refresh({ index: this.index });
      const { count } = await this.es.count({
        index: this.index,
        query: { bool: { must_not: [{ exists: { field: 'source' } }] } },
      });
      this.legacyDocuments = count > 0;
    }
  }

  async append(events: TransactionEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const mode = options.visibility === 'eventual' ? false : this.refresh;
    const refresh = mode === 'wait_for' ? 'wait_for' : false;
    // The first occurrence of an id wins, as in the embedded store; the rest are duplicates without a round trip.
    const outcomes: AppendOutcome[] = new Array<AppendOutcome>(events.length).fill('DUPLICATE');
    const unique = new Map<string, number>();
    events.forEach((e, i) => {
      const id = documentId(e.source, e.eventId);
      if (!unique.has(id)) unique.set(id, i);
    });
    const batch = [...unique.entries()];
    let stored = 0;
    for (let start = 0; start < batch.length; start += this.chunkSize) {
      const slice = batch.slice(start, start + this.chunkSize);
      const legacy = await this.legacyDuplicates(slice.map(([, i]) => events[i]!));
      const chunk = slice.filter((_, k) => !legacy[k]);
      if (chunk.length === 0) continue;
      // Events Elasticsearch pushed back (429: its indexing pressure or write queue is full, or a request timed out)
      // are sent again after a pause, a few times, instead of failing the batch: a node lost or busy pushes back for
      // seconds, and a batch failed here is retried by its worker only a few times before it is dead-lettered.
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const last = attempt >= BACKPRESSURE_ATTEMPTS;
        const operations: Array<{ create: { _index: string; _id: string } } | TransactionDocument> = [];
        for (const [id, i] of pending) {
          const mapped = Mapper.toDocument(events[i]!);
          const document = options.demo ? { ...mapped, demo: true as const } : mapped;
          operations.push({ create: { _index: this.index, _id: id } }, document);
        }
        let response: estypes.BulkResponse;
        try {
          response = await this.es.bulk({
            operations,
            refresh,
            filter_path: ['items.*.status', 'items.*.error.type', 'items.*.error.reason'],
          });
        } catch (error) {
          if (last || !pushedBack(error)) throw error;
          await sleep(backpressurePause(attempt));
          continue;
        }
        // A response without an item per operation would make the counts lie.
        if (response.items.length !== pending.length) {
          throw new Error(`Elasticsearch answered ${response.items.length} items for ${pending.length} operations`);
        }
        let failure: { id: string; status: number; type?: string; reason?: string | null } | undefined;
        let failures = 0;
        const again: typeof pending = [];
        response.items.forEach((item, k) => {
          const result = item.create;
          if (!result) return;
          const index = pending[k]![1];
          if (result.status === 201) {
            stored += 1;
            outcomes[index] = 'STORED';
          } else if (result.status === 429 && !last) {
            again.push(pending[k]!);
          } else if (result.status !== 409) {
            failures += 1;
            failure ??= {
              id: events[index]!.eventId,
              status: result.status,
              type: result.error?.type,
              reason: result.error?.reason,
            };
          }
        });
        if (failure) {
          // Whatever else this bulk stored stays stored: the caller can resend the whole batch, create makes that
          // harmless.
          throw new Error(
            `Elasticsearch refused ${failures} of ${pending.length} events in ${this.index}; first: ${failure.id} ` +
              `(${failure.status} ${failure.type ?? 'error'}: ${failure.reason ?? 'no reason given'})`,
          );
        }
        pending = again;
        if (pending.length > 0) await sleep(backpressurePause(attempt));
      }
    }
    // Also after a batch of duplicates only: their first writer may not have refreshed yet (it may have crashed
    // before).
    if (mode === 'coalesced' && batch.length > 0) await this.refresher.request();
    return { stored, duplicates: events.length - stored, outcomes };
  }

  async findStored(events: TransactionEvent[]): Promise<boolean[]> {
    if (events.length === 0) return [];
    const ids = events.map((e) => documentId(e.source, e.eventId));
    const response = await this.es.mget<TransactionDocument>({
      index: this.index,
      ids: [...new Set(ids)],
      _source: false,
    });
    const found = new Set(response.docs.filter((d) => 'found' in d && d.found).map((d) => d._id));
    const legacy = await this.legacyDuplicates(events.filter((_, i) => !found.has(ids[i]!)));
    let k = 0;
    return ids.map((id) => found.has(id) || legacy[k++] === true);
  }

  /**
   * For each event, whether a document written before sources were kept is this very event: same id and the same
   * content. Only asked while the index may hold such documents.
   */
  private async legacyDuplicates(events: TransactionEvent[]): Promise<boolean[]> {
    if (!this.legacyDocuments || events.length === 0) return events.map(() => false);
    const response = await this.es.mget<TransactionDocument>({
      index: this.index,
      ids: [...new Set(events.map((e) => e.eventId))],
    });
    const old = new Map<string, TransactionDocument>();
    for (const d of response.docs)
      if ('found' in d && d.found && d._source && d._source.source === undefined) old.set(d._id, d._source);
    return events.map((e) => {
      const doc = old.get(e.eventId);
      return doc !== undefined && sameContent(doc, Mapper.toDocument(e));
    });
  }

  /** How many explicit refreshes this store has started; many concurrent appends share one. */
  get refreshesStarted(): number {
    return this.refresher.started;
  }

  private async refreshIndex(): Promise<void> {
    const { _shards: shards } = await this.es.indices.refresh({ index: this.index });
    // A shard that failed to refresh would leave its part of the batch unreadable while we report it readable.
    if (shards && shards.failed > 0)
      throw new Error(`refresh of ${this.index} failed on ${shards.failed} of ${shards.total} shards`);
  }

  /**
   * One search, aggregated in a flat tree: the CPF's events bucketed by type, each type's newest event, and per type
   * three overlapping time windows bucketed by amount sign, movement kind and approval. Bucketing aggregations read
   * doc values, where a `filter` aggregation builds a query scorer for every segment (docs/implementation-notes.md).
   */
  async summarize(cpf: Cpf, now: Date): Promise<TransactionSummary> {
    const response = await this.es.search<TransactionDocument>({
      index: this.index,
      size: 0,
      track_total_hits: false,
      query: summaryQuery([cpf], now),
      aggs: { byType: byTypeAgg(now) },
    });
    return toSummary((response.aggregations as unknown as SummaryAggs).byType.buckets);
  }

  /**
   * Counts and sums only, per CPF in one search, under filters rather than the summary's per-type buckets and "last
   * event" hits, which cost a rating window far more CPU (docs/implementation-notes.md).
   */
  async scoringActivityMany(cpfs: readonly Cpf[], now: Date): Promise<Map<string, ScoringActivity>> {
    const unique = [...new Map(cpfs.map((c) => [c.value, c])).values()];
    if (unique.length === 0) return new Map();
    const since90d = new Date(now.getTime() - 90 * DAY_MS).toISOString();
    const since6m = sixMonthsAgo(now).toISOString();
    const of = (type: TransactionEvent['type'], since: string): estypes.QueryDslQueryContainer => ({
      bool: { filter: [{ term: { type } }, { range: { occurredAt: { gte: since } } }] },
    });
    const response = await this.es.search<TransactionDocument>({
      index: this.index,
      size: 0,
      track_total_hits: false,
      query: {
        bool: {
          filter: [
            { terms: { cpf: unique.map((c) => c.value) } },
            { range: { occurredAt: { gte: since6m < since90d ? since6m : since90d, lte: now.toISOString() } } },
          ],
        },
      },
      aggs: {
        byCpf: {
          // Every CPF asked for is in the query, so a bucket per CPF is exact on any number of shards.
          terms: { field: 'cpf', size: unique.length },
          aggs: {
            // Only consultations for a credit decision count (inquiry-purposes.ts), as in the summary.
            inquiries: {
              filter: {
                bool: {
                  filter: [of('BUREAU_INQUIRY', since6m), { terms: { purpose: [...CREDIT_DECISION_PURPOSES] } }],
                },
              },
            },
            movements: {
              filter: of('FINANCIAL_MOVEMENT', since90d),
              // As the summary's: `in` is cents >= 0, `out` cents < 0.
              aggs: {
                sign: {
                  range: {
                    field: 'amountCents',
                    keyed: true,
                    ranges: [
                      { key: 'out', to: 0 },
                      { key: 'in', from: 0 },
                    ],
                  },
                  aggs: { cents: { sum: { field: 'amountCents' } } },
                },
              },
            },
            cards: {
              filter: of('CARD_PURCHASE', since90d),
              aggs: {
                approved: { filter: { term: { approved: true } }, aggs: { cents: { sum: { field: 'amountCents' } } } },
              },
            },
          },
        },
      },
    });
    const buckets = (response.aggregations as unknown as ActivityAggs).byCpf.buckets;
    const found = new Map(buckets.map((b) => [String(b.key), b]));
    return new Map(
      unique.map((cpf) => {
        const b = found.get(cpf.value);
        const cards = b?.cards.doc_count ?? 0;
        const approved = b?.cards.approved.doc_count ?? 0;
        return [
          cpf.value,
          {
            inquiriesLast6Months: b?.inquiries.doc_count ?? 0,
            inflow90dCents: cents(b?.movements.sign.buckets.in.cents),
            outflow90dCents: Math.abs(cents(b?.movements.sign.buckets.out.cents)),
            cardPurchases90d: cards,
            cardDeclined90d: cards - approved,
            cardApproved90dCents: cents(b?.cards.approved.cents),
          },
        ];
      }),
    );
  }

  async list(cpf: Cpf, w: TransactionWindow): Promise<TransactionPage> {
    const after = w.cursor ? decodeCursor(w.cursor) : null;
    // Cursors we issue carry whole epoch milliseconds; ES would silently truncate a forged fraction (changing the page)
    // or answer 400 on a huge number, so such a cursor is refused as invalid here, before it becomes a 500.
    if (after && !Number.isSafeInteger(after.at))
      throw new ValidationError('CURSOR_INVALID', 'cursor', 'is not a cursor returned by this API');
    const filter: estypes.QueryDslQueryContainer[] = [
      { term: { cpf: cpf.value } },
      { range: { occurredAt: { gte: w.from.toISOString(), lte: w.to.toISOString() } } },
    ];
    // An empty list matches nothing, as in the embedded store; only an absent one means "every type".
    if (w.types) filter.push({ terms: { type: w.types } });
    const response = await this.es.search<TransactionDocument>({
      index: this.index,
      // One extra tells whether another page exists without a count query.
      size: w.limit + 1,
      track_total_hits: false,
      query: { bool: { filter } },
      sort: NEWEST_FIRST,
      ...(after ? { search_after: [after.at, after.id] } : {}),
    });
    const hits = response.hits.hits;
    const events = hits.slice(0, w.limit).map((h) => Mapper.toDomain(h._source as TransactionDocument));
    const last = events[events.length - 1];
    return {
      events,
      nextCursor: hits.length > w.limit && last ? encodeCursor(last.occurredAt.getTime(), last.eventId) : null,
    };
  }

  async inquiriesSince(cpf: Cpf, since: Date, limit: number): Promise<BureauInquiry[]> {
    const response = await this.es.search<TransactionDocument>({
      index: this.index,
      size: limit,
      track_total_hits: false,
      query: {
        bool: {
          filter: [
            { term: { cpf: cpf.value } },
            { term: { type: 'BUREAU_INQUIRY' } },
            { range: { occurredAt: { gte: since.toISOString() } } },
          ],
        },
      },
      sort: NEWEST_FIRST,
    });
    return response.hits.hits.map((h) => Mapper.toDomain(h._source as TransactionDocument) as BureauInquiry);
  }

  /**
   * Yellow is the normal state of a single node with replicas configured elsewhere: data is fully readable and
   * writable.
   */
  /**
   * The events index's own health, as Elasticsearch reports it: green is up; yellow (a replica not placed, e.g. a node
   * lost) still serves every read and write but one more loss could lose data, so degraded; red (a primary shard not
   * placed) means part of the trail can be neither read nor written, so down.
   */
  async health(): Promise<'up' | 'degraded' | 'down'> {
    try {
      const { status } = await this.es.cluster.health({ index: this.index }, { requestTimeout: 2_000, maxRetries: 1 });
      return status === 'green' ? 'up' : status === 'yellow' ? 'degraded' : 'down';
    } catch {
      return 'down';
    }
  }
}

/** Bulk requests of one chunk while Elasticsearch pushes back (429), pausing 0.5, 1, 2 and 4 s between them. */
const BACKPRESSURE_ATTEMPTS = 5;
const backpressurePause = (attempt: number) => 500 * 2 ** (attempt - 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Elasticsearch refused a whole request for its load (429 Too Many Requests), not for what it contained, or did not
 * answer in time, which under load means the same; a request that timed out may still have landed, and the `create`
 * of a repeat makes that harmless (409, a duplicate).
 */
function pushedBack(error: unknown): boolean {
  return (error instanceof errors.ResponseError && error.statusCode === 429) || error instanceof errors.TimeoutError;
}

function errorType(error: unknown): string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const body = error.body as { error?: { type?: string } } | undefined;
  return body?.error?.type;
}

/** Sums come back as doubles (exact for cents below 2^53); `|| 0` keeps -0 out of the results. */
function cents(sum: SumAgg | undefined): number {
  return Math.round(sum?.value ?? 0) || 0;
}

function toMovementWindow(agg: WindowAgg): MovementWindow {
  const byKind: MovementWindow['byKind'] = {};
  for (const bucket of agg.byKind.buckets) byKind[bucket.key as MovementKind] = cents(bucket.net);
  return {
    inflowCents: cents(agg.sign.buckets.in.cents),
    outflowCents: Math.abs(cents(agg.sign.buckets.out.cents)),
    count: agg.doc_count,
    byKind,
  };
}

function toInquirySummary(d: Partial<TransactionDocument>): InquirySummary {
  return { inquirer: d.inquirer as string, purpose: d.purpose as string, occurredAt: new Date(d.occurredAt as string) };
}

function toCardPurchaseSummary(d: Partial<TransactionDocument>): CardPurchaseSummary {
  return {
    merchant: d.merchant as string,
    mcc: d.mcc as string,
    amountCents: d.amountCents as number,
    installments: d.installments as number,
    approved: d.approved as boolean,
    occurredAt: new Date(d.occurredAt as string),
  };
}

/**
 * Only inquiries made for a credit decision are part of a summary (they are what scoring counts and lenders see);
 * the rest, the subject's own consultations among them, stay in the trail for the subject.
 */
const NOT_FOR_CREDIT_DECISION: estypes.QueryDslQueryContainer = {
  bool: {
    filter: [{ term: { type: 'BUREAU_INQUIRY' } }],
    must_not: [{ terms: { purpose: [...CREDIT_DECISION_PURPOSES] } }],
  },
};

function summaryQuery(cpfs: readonly Cpf[], now: Date): estypes.QueryDslQueryContainer {
  const cpf = cpfs.length === 1 ? { term: { cpf: cpfs[0]!.value } } : { terms: { cpf: cpfs.map((c) => c.value) } };
  return {
    bool: { filter: [cpf, { range: { occurredAt: { lte: now.toISOString() } } }], must_not: [NOT_FOR_CREDIT_DECISION] },
  };
}

/** Two documents of one event, the source aside: the fields a re-sent event repeats. */
function sameContent(a: TransactionDocument, b: TransactionDocument): boolean {
  const fields = [
    'eventId',
    'cpf',
    'type',
    'inquirer',
    'purpose',
    'kind',
    'amountCents',
    'merchant',
    'mcc',
    'installments',
    'approved',
    'cardLast4',
  ] as const;
  return new Date(a.occurredAt).getTime() === new Date(b.occurredAt).getTime() && fields.every((f) => a[f] === b[f]);
}

function byTypeAgg(now: Date): estypes.AggregationsAggregationContainer {
  const t = now.getTime();
  return {
    terms: { field: 'type', size: 10 },
    aggs: {
      last: { top_hits: { size: 1, sort: NEWEST_FIRST, _source: { includes: LAST_EVENT_FIELDS } } },
      windows: {
        date_range: {
          field: 'occurredAt',
          keyed: true,
          ranges: [
            { key: '30d', from: t - 30 * DAY_MS },
            { key: '90d', from: t - 90 * DAY_MS },
            { key: '6m', from: sixMonthsAgo(now).getTime() },
          ],
        },
        aggs: {
          // from inclusive, to exclusive: `in` is cents >= 0 and `out` cents < 0, as in the embedded store.
          sign: {
            range: {
              field: 'amountCents',
              keyed: true,
              ranges: [
                { key: 'out', to: 0 },
                { key: 'in', from: 0 },
              ],
            },
            aggs: { cents: { sum: { field: 'amountCents' } } },
          },
          byKind: { terms: { field: 'kind', size: 100 }, aggs: { net: { sum: { field: 'amountCents' } } } },
          approved: { terms: { field: 'approved', size: 2 }, aggs: { cents: { sum: { field: 'amountCents' } } } },
        },
      },
    },
  };
}

function toSummary(buckets: TypeBucket[]): TransactionSummary {
  const byType = new Map(buckets.map((b) => [b.key, b]));
  const window = (type: TransactionEvent['type'], key: WindowKey): WindowAgg =>
    byType.get(type)?.windows.buckets[key] ?? NO_WINDOW;
  const newest = (type: TransactionEvent['type']) => byType.get(type)?.last.hits.hits[0]?._source;
  const inquiry = newest('BUREAU_INQUIRY');
  const purchase = newest('CARD_PURCHASE');
  const card = window('CARD_PURCHASE', '90d');
  // A boolean's terms bucket is keyed 1 / 0 (key_as_string 'true' / 'false').
  const approved = card.approved.buckets.find((b) => b.key === 1 || b.key === 'true');
  return {
    lastInquiry: inquiry ? toInquirySummary(inquiry) : null,
    inquiriesLast6Months: window('BUREAU_INQUIRY', '6m').doc_count,
    movements30d: toMovementWindow(window('FINANCIAL_MOVEMENT', '30d')),
    movements90d: toMovementWindow(window('FINANCIAL_MOVEMENT', '90d')),
    lastCardPurchase: purchase ? toCardPurchaseSummary(purchase) : null,
    cardPurchases90d: {
      count: card.doc_count,
      approvedCount: approved?.doc_count ?? 0,
      declinedCount: card.doc_count - (approved?.doc_count ?? 0),
      approvedAmountCents: cents(approved?.cents),
    },
  };
}
