export type ProbeState = 'up' | 'degraded' | 'down';

export interface ProbeResult {
  /** Which dependency: consumers (A), ratings (B), transactions (C), cache, transport, auditJournal. */
  name: string;
  /** Which adapter answered: postgres, pglite, mongodb, memory, elasticsearch, redis… */
  adapter: string;
  state: ProbeState;
}

/** Readiness of every configured dependency; a cache that is down degrades, it does not fail readiness. */
export abstract class ReadinessProbes {
  abstract check(): Promise<ProbeResult[]>;
}
