import { ApiKeyRecord } from '@app/credit-domain';
import { ApiKeyRepository } from '@app/credit-application';

/** Test adapter of the ApiKeyRepository port: the records in a map, as the PostgreSQL table keeps them. */
export class InMemoryApiKeyRepository extends ApiKeyRepository {
  private readonly records = new Map<string, ApiKeyRecord>();

  async create(record: ApiKeyRecord): Promise<void> {
    this.records.set(record.id, { ...record });
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const record = this.records.get(id);
    return record ? { ...record } : null;
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const record = this.records.get(id);
    if (!record || record.revokedAt) return false;
    record.revokedAt = at;
    return true;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.records.values()].map((record) => ({ ...record }));
  }
}
