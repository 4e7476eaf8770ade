import { Clock } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { ApiKeyRecord, Scope, issueApiKey, secretMatches, splitApiKey } from '@app/credit-domain';
import { ApiKeyRepository } from '../ports/api-key.repository';

/** How long a verified key is trusted without asking the database again; revocation takes effect within this. */
const KEY_CACHE_MS = 10_000;

@Injectable()
export class ApiKeys {
  private readonly verified = new Map<string, { record: ApiKeyRecord; until: number }>();

  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

  /** Returns the only copy of the key there will ever be: it is stored hashed. */
  async create(name: string, scopes: Scope[]): Promise<{ record: ApiKeyRecord; plaintext: string }> {
    const issued = issueApiKey(name, scopes, this.clock.now());
    await this.repository.create(issued.record);
    return issued;
  }

  async revoke(id: string): Promise<boolean> {
    this.verified.delete(id);
    return this.repository.revoke(id, this.clock.now());
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.repository.list();
  }

  /** The key's record when the presented key is genuine and not revoked; null otherwise (never says which). */
  async authenticate(presented: string): Promise<ApiKeyRecord | null> {
    const parts = splitApiKey(presented);
    if (!parts) return null;
    const now = Date.now();
    const cached = this.verified.get(parts.id);
    let record = cached && cached.until > now ? cached.record : null;
    if (!record) {
      record = await this.repository.findById(parts.id);
      if (!record) return null;
      if (this.verified.size > 10_000) this.verified.clear();
      this.verified.set(parts.id, { record, until: now + KEY_CACHE_MS });
    }
    if (record.revokedAt || !secretMatches(record, parts.secret)) return null;
    return record;
  }
}
