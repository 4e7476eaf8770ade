import { MovementKind } from './transaction-event';

export interface MovementWindow {
  inflowCents: number;
  outflowCents: number;
  count: number;
  /** Net cents per movement kind. */
  byKind: Partial<Record<MovementKind, number>>;
}

export interface InquirySummary {
  inquirer: string;
  purpose: string;
  occurredAt: Date;
}

export interface CardPurchaseSummary {
  merchant: string;
  mcc: string;
  amountCents: number;
  installments: number;
  approved: boolean;
  occurredAt: Date;
}

/**
 * What the analysis needs from C_TRANSACTIONS, computed by the store (aggregations), never by loading the whole trail.
 */
export interface TransactionSummary {
  lastInquiry: InquirySummary | null;
  inquiriesLast6Months: number;
  movements30d: MovementWindow;
  movements90d: MovementWindow;
  lastCardPurchase: CardPurchaseSummary | null;
  cardPurchases90d: { count: number; approvedCount: number; declinedCount: number; approvedAmountCents: number };
}

export const emptyMovementWindow = (): MovementWindow => ({ inflowCents: 0, outflowCents: 0, count: 0, byKind: {} });

/**
 * What a scoring model reads from C_TRANSACTIONS: counts and sums only, no single event. The rating engine asks for
 * it for a thousand CPFs at a time, which costs the store far less than full summaries (no "last event" look-ups).
 */
export interface ScoringActivity {
  inquiriesLast6Months: number;
  inflow90dCents: number;
  outflow90dCents: number;
  cardPurchases90d: number;
  cardDeclined90d: number;
  cardApproved90dCents: number;
}

export function scoringActivityOf(summary: TransactionSummary): ScoringActivity {
  return {
    inquiriesLast6Months: summary.inquiriesLast6Months,
    inflow90dCents: summary.movements90d.inflowCents,
    outflow90dCents: summary.movements90d.outflowCents,
    cardPurchases90d: summary.cardPurchases90d.count,
    cardDeclined90d: summary.cardPurchases90d.declinedCount,
    cardApproved90dCents: summary.cardPurchases90d.approvedAmountCents,
  };
}
