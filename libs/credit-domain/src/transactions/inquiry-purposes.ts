/**
 * The purposes of a consultation that reflect the consumer seeking credit (Lei 12.414 art. 7 II): only these count
 * as inquiries for scoring and show in a lender's summary. The subject's own reads, collection, fraud checks, the
 * regulator's and any other purpose text do not count, though all are audited (docs/legal-rules.md says why).
 */
export const CREDIT_DECISION_PURPOSES = ['CREDIT_GRANTING', 'CREDIT_REVIEW', 'RENTAL_GUARANTEE'] as const;

const SET: ReadonlySet<string> = new Set(CREDIT_DECISION_PURPOSES);

export function countsForScoring(purpose: string): boolean {
  return SET.has(purpose);
}
