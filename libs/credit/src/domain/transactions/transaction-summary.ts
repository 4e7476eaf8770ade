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

/** What the analysis needs from C_TRANSACTIONS, computed by the store (aggregations), never by loading the whole trail. */
export interface TransactionSummary {
  lastInquiry: InquirySummary | null;
  inquiriesLast6Months: number;
  movements30d: MovementWindow;
  movements90d: MovementWindow;
  lastCardPurchase: CardPurchaseSummary | null;
  cardPurchases90d: { count: number; approvedCount: number; declinedCount: number; approvedAmountCents: number };
}

export const emptyMovementWindow = (): MovementWindow => ({ inflowCents: 0, outflowCents: 0, count: 0, byKind: {} });
