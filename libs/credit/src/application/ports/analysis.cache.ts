import { Cpf } from '@app/shared-kernel';

/**
 * Cache of assembled analyses, keyed by CPF. Adapters must never throw: a cache that is down is a miss,
 * and the query answers from the stores.
 */
export abstract class AnalysisCache {
  /** The cached JSON text, served as stored so a hit costs no re-serialisation. */
  abstract get(cpf: Cpf): Promise<string | null>;
  abstract set(cpf: Cpf, json: string, ttlSeconds: number): Promise<void>;
  abstract invalidate(cpfs: Cpf[]): Promise<void>;
  abstract health(): Promise<'up' | 'degraded'>;
}
