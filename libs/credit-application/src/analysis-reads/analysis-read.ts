import { AccessRefusal } from '../access/access-refusals';
import { RateDecision } from '../ports/rate-limiter';

/** Who presents an analysis request: an API key over HTTP, or a broker user RabbitMQ has verified. */
type AnalysisReadCredential =
  /** The key as presented (X-Api-Key, or a Bearer token); null when none was. */
  | { kind: 'api-key'; presented: string | null }
  /** The AMQP `user_id` the broker checked against the connection's login; null when the message carried none. */
  | { kind: 'broker-user'; user: string | null };

export interface AnalysisReadRequest {
  credential: AnalysisReadCredential;
  /** The declared purpose as received, untrimmed; null when absent. */
  purpose: string | null;
  /** The CPF as received, formatted or not. */
  cpf: string;
  /** Joins the audit entry with logs; the caller's correlation id when it sent one. */
  requestId: string;
  /** The bureau inquiry's event id when the caller needs it stable across redeliveries; new otherwise. */
  inquiryId?: string;
}

/** Why a read was refused, in the terms every entry answers with: a status, a stable code, the field at fault. */
export type AnalysisReadRefusal = AccessRefusal;

export type AnalysisReadOutcome =
  /** The analysis as JSON (a cache hit byte for byte as stored); audited and recorded as an inquiry. */
  | { kind: 'served'; json: string | Buffer; cacheHit: boolean; rate: RateDecision }
  /** Refused; `rate` is set when the request was counted against the client's limit. */
  | { kind: 'refused'; refusal: AnalysisReadRefusal; rate: RateDecision | null };

/** The name audit entries and inquiries give a broker user, apart from API clients' names. */
export const brokerClient = (user: string) => `amqp:${user}`;
