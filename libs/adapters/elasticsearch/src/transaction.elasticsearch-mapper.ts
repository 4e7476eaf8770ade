import { createHash } from 'node:crypto';
import { Cpf, Money } from '@app/shared-kernel';
import type { estypes } from '@elastic/elasticsearch';
import { EventType, MovementKind, TransactionEvent } from '@app/credit-domain';

/**
 * One event as stored in the index: flat, amounts in cents, time as ISO-8601 UTC so `_source` reads back losslessly.
 */
export interface TransactionDocument {
  eventId: string;
  cpf: string;
  type: EventType;
  occurredAt: string;
  /** Who reported it (absent on documents written before sources were kept). */
  source?: string;
  inquirer?: string;
  purpose?: string;
  kind?: MovementKind;
  amountCents?: number;
  merchant?: string;
  mcc?: string;
  installments?: number;
  approved?: boolean;
  cardLast4?: string;
  /** Loaded by the demo loader (`npm run demo -- remove` deletes these). */
  demo?: true;
}

/**
 * Strict so a field nobody declared (a typo, a new event attribute shipped before its mapping) is refused at write
 * time instead of being guessed by dynamic mapping and frozen into the index with the wrong type.
 */
export const TRANSACTION_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    eventId: { type: 'keyword' },
    cpf: { type: 'keyword' },
    type: { type: 'keyword' },
    occurredAt: { type: 'date' },
    source: { type: 'keyword' },
    inquirer: { type: 'keyword' },
    purpose: { type: 'keyword' },
    kind: { type: 'keyword' },
    amountCents: { type: 'long' },
    merchant: { type: 'keyword' },
    mcc: { type: 'keyword' },
    installments: { type: 'short' },
    approved: { type: 'boolean' },
    cardLast4: { type: 'keyword' },
    demo: { type: 'boolean' },
  },
};

/**
 * The `_id` of an event: event ids are unique per source, so the id is the source's (hashed, fixed-length) name and the
 * event id. Documents written before sources were kept have the bare event id as `_id`; ids of the new scheme start
 * with `s1:`, which keeps the two apart.
 */
export function documentId(source: string | null, eventId: string): string {
  if (source === null) return eventId;
  return `s1:${createHash('sha256').update(source, 'utf8').digest('base64url').slice(0, 22)}:${eventId}`;
}

export const TransactionElasticsearchMapper = {
  /**
   * Runs once per ingested event: one object literal per type, no spread of a shared base, which was the heaviest
   * function of the ingestion worker's profile (docs/implementation-notes.md).
   */
  toDocument(e: TransactionEvent): TransactionDocument {
    switch (e.type) {
      case 'BUREAU_INQUIRY':
        return {
          eventId: e.eventId,
          cpf: e.cpf.value,
          occurredAt: e.occurredAt.toISOString(),
          source: e.source ?? undefined,
          type: e.type,
          inquirer: e.inquirer,
          purpose: e.purpose,
        };
      case 'FINANCIAL_MOVEMENT':
        return {
          eventId: e.eventId,
          cpf: e.cpf.value,
          occurredAt: e.occurredAt.toISOString(),
          source: e.source ?? undefined,
          type: e.type,
          kind: e.kind,
          amountCents: e.amount.cents,
        };
      case 'CARD_PURCHASE':
        return {
          eventId: e.eventId,
          cpf: e.cpf.value,
          occurredAt: e.occurredAt.toISOString(),
          source: e.source ?? undefined,
          type: e.type,
          merchant: e.merchant,
          mcc: e.mcc,
          amountCents: e.amount.cents,
          installments: e.installments,
          approved: e.approved,
          cardLast4: e.cardLast4,
        };
    }
  },

  toDomain(d: TransactionDocument): TransactionEvent {
    const base = {
      eventId: d.eventId,
      cpf: Cpf.parse(d.cpf),
      occurredAt: new Date(d.occurredAt),
      source: d.source ?? null,
    };
    switch (d.type) {
      case 'BUREAU_INQUIRY':
        return { ...base, type: d.type, inquirer: d.inquirer as string, purpose: d.purpose as string };
      case 'FINANCIAL_MOVEMENT':
        return { ...base, type: d.type, kind: d.kind as MovementKind, amount: Money.ofCents(d.amountCents as number) };
      case 'CARD_PURCHASE':
        return {
          ...base,
          type: d.type,
          merchant: d.merchant as string,
          mcc: d.mcc as string,
          amount: Money.ofCents(d.amountCents as number),
          installments: d.installments as number,
          approved: d.approved as boolean,
          cardLast4: d.cardLast4 as string,
        };
      default:
        // Only reachable if something other than this adapter wrote to the index.
        throw new Error(
          `document ${String(d.eventId)} has an unknown event type ${String((d as { type: unknown }).type)}`,
        );
    }
  },
};
