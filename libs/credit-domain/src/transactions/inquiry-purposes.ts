/**
 * The purposes of a consultation that reflect the consumer seeking credit, or a commitment of the same financial risk
 * (Lei 12.414 art. 7 II): only these count as inquiries for scoring and show in a lender's summary.
 *
 * Left out, though every one is still audited and shown to the data subject: the subject's own consultation
 * (DATA_SUBJECT_REQUEST), which must cost them nothing (Lei 12.414 art. 5 II: free access; LGPD art. 18 I-II);
 * COLLECTION, a creditor chasing a debt the consumer already has (counting it would punish the same debt twice);
 * FRAUD_PREVENTION, an identity check that says nothing about credit-seeking; REGULATORY_AUDIT, the regulator's.
 * Inquiries reported by partners with any other purpose text do not count either.
 */
export const CREDIT_DECISION_PURPOSES = ['CREDIT_GRANTING', 'CREDIT_REVIEW', 'RENTAL_GUARANTEE'] as const;

const SET: ReadonlySet<string> = new Set(CREDIT_DECISION_PURPOSES);

export function countsForScoring(purpose: string): boolean {
  return SET.has(purpose);
}
