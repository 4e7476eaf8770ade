import { Cpf, DAY_MS, Money } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import {
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
  countsForScoring,
  BureauInquiry,
  CardPurchase,
  TransactionEvent,
  MovementWindow,
  ScoringActivity,
  TransactionSummary,
  emptyMovementWindow,
  scoringActivityOf,
} from '@app/credit-domain';

/** (source, event id) as one key: the same id from two sources is two events. */
const keyOf = (e: TransactionEvent): string => `${e.source ?? ''}\u0000${e.eventId}`;

/** Events per CPF kept sorted newest first; the (source, id) set makes re-ingest a no-op. */
@Injectable()
export class InMemoryTransactionStore extends TransactionStore {
  private readonly ids = new Set<string>();
  private readonly byCpf = new Map<string, TransactionEvent[]>();

  async append(events: TransactionEvent[]): Promise<AppendResult> {
    let stored = 0;
    const outcomes: AppendOutcome[] = [];
    const touched = new Set<TransactionEvent[]>();
    for (const event of events) {
      const key = keyOf(event);
      if (this.ids.has(key)) {
        outcomes.push('DUPLICATE');
        continue;
      }
      this.ids.add(key);
      outcomes.push('STORED');
      let list = this.byCpf.get(event.cpf.value);
      if (!list) this.byCpf.set(event.cpf.value, (list = []));
      list.push(event);
      touched.add(list);
      stored += 1;
    }
    for (const list of touched) list.sort(newestFirst);
    return { stored, duplicates: events.length - stored, outcomes };
  }

  async findStored(events: TransactionEvent[]): Promise<boolean[]> {
    return events.map((e) => this.ids.has(keyOf(e)));
  }

  async scoringActivityMany(cpfs: readonly Cpf[], now: Date): Promise<Map<string, ScoringActivity>> {
    return new Map(
      await Promise.all(
        cpfs.map(async (cpf) => [cpf.value, scoringActivityOf(await this.summarize(cpf, now))] as const),
      ),
    );
  }

  async summarize(cpf: Cpf, now: Date): Promise<TransactionSummary> {
    const events = this.byCpf.get(cpf.value) ?? [];
    const t = now.getTime();
    const since6m = sixMonthsAgo(now).getTime();
    const summary: TransactionSummary = {
      lastInquiry: null,
      inquiriesLast6Months: 0,
      movements30d: emptyMovementWindow(),
      movements90d: emptyMovementWindow(),
      lastCardPurchase: null,
      cardPurchases90d: { count: 0, approvedCount: 0, declinedCount: 0, approvedAmountCents: 0 },
    };
    for (const e of events) {
      const at = e.occurredAt.getTime();
      if (at > t) continue;
      if (e.type === 'BUREAU_INQUIRY') {
        if (!countsForScoring(e.purpose)) continue;
        summary.lastInquiry ??= { inquirer: e.inquirer, purpose: e.purpose, occurredAt: e.occurredAt };
        if (at >= since6m) summary.inquiriesLast6Months += 1;
      } else if (e.type === 'FINANCIAL_MOVEMENT') {
        if (at >= t - 30 * DAY_MS) addMovement(summary.movements30d, e.kind, e.amount.cents);
        if (at >= t - 90 * DAY_MS) addMovement(summary.movements90d, e.kind, e.amount.cents);
      } else {
        summary.lastCardPurchase ??= cardSummary(e);
        if (at >= t - 90 * DAY_MS) {
          const c = summary.cardPurchases90d;
          c.count += 1;
          if (e.approved) {
            c.approvedCount += 1;
            c.approvedAmountCents = add(c.approvedAmountCents, e.amount.cents);
          } else c.declinedCount += 1;
        }
      }
    }
    return summary;
  }

  async list(cpf: Cpf, w: TransactionWindow): Promise<TransactionPage> {
    const after = w.cursor ? decodeCursor(w.cursor) : null;
    const matches = (this.byCpf.get(cpf.value) ?? []).filter((e) => {
      const at = e.occurredAt.getTime();
      if (at < w.from.getTime() || at > w.to.getTime()) return false;
      if (w.types && !w.types.includes(e.type)) return false;
      return !after || newestFirst(e, { occurredAt: new Date(after.at), eventId: after.id } as TransactionEvent) > 0;
    });
    const events = matches.slice(0, w.limit);
    const last = events[events.length - 1];
    return {
      events,
      nextCursor: matches.length > w.limit && last ? encodeCursor(last.occurredAt.getTime(), last.eventId) : null,
    };
  }

  async inquiriesSince(cpf: Cpf, since: Date, limit: number): Promise<BureauInquiry[]> {
    return (this.byCpf.get(cpf.value) ?? [])
      .filter((e): e is BureauInquiry => e.type === 'BUREAU_INQUIRY' && e.occurredAt.getTime() >= since.getTime())
      .slice(0, limit);
  }

  /** Number of stored events: what an ingestion check compares against what was sent. */
  size(): number {
    return this.ids.size;
  }
}

function newestFirst(a: TransactionEvent, b: TransactionEvent): number {
  return (
    b.occurredAt.getTime() - a.occurredAt.getTime() || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  );
}

/** Sums of cents through Money, so a total past the safe-integer range is refused rather than rounded. */
const add = (a: number, b: number): number => Money.ofCents(a).plus(Money.ofCents(b)).cents;

function addMovement(w: MovementWindow, kind: keyof MovementWindow['byKind'], cents: number): void {
  w.count += 1;
  if (cents >= 0) w.inflowCents = add(w.inflowCents, cents);
  else w.outflowCents = add(w.outflowCents, -cents);
  w.byKind[kind] = add(w.byKind[kind] ?? 0, cents);
}

function cardSummary(e: CardPurchase) {
  return {
    merchant: e.merchant,
    mcc: e.mcc,
    amountCents: e.amount.cents,
    installments: e.installments,
    approved: e.approved,
    occurredAt: e.occurredAt,
  };
}
