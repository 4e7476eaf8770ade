import { partnerItemsRejected } from './metric-catalogue';
import { boundedLabel, metricsEnabled } from './metrics';

/** Partners are the verified senders an operator let in; more than this many in one process is not a real fleet. */
const MAX_PARTNERS = 200;
/** Error codes are the platform's own, a few dozen; a larger set means codes are being made up somewhere. */
const MAX_CODES = 100;
const partnerLabel = boundedLabel(MAX_PARTNERS);
const codeLabel = boundedLabel(MAX_CODES);
const feedLabel = boundedLabel(20);

/**
 * Counts items a partner sent that were refused, for every feed that takes partner data (transactions, debt reports,
 * consumer records). `partner` is the verified sender (`amqp:<user>`, `api:<client>`), never a CPF or key.
 */
export function recordRejectedItems(partner: string, feed: string, code: string, count = 1): void {
  if (!metricsEnabled() || count <= 0) return;
  partnerItemsRejected.inc({ partner: partnerLabel(partner), feed: feedLabel(feed), code: codeLabel(code) }, count);
}
