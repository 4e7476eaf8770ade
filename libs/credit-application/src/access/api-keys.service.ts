import { Clock } from '@app/shared-kernel';
import { Injectable } from '@nestjs/common';
import { ApiKeyRecord, Scope, issueApiKey, secretMatches, splitApiKey } from '@app/credit-domain';
import { ApiKeyRepository } from '../ports/api-key.repository';

/** How long a verified key is trusted without asking the database again; revocation takes effect within this. */
const KEY_CACHE_MS = 10_000;
/**
 * When a key in use is looked up again, in the background: a busy key never expires, so no request waits for the
 * database (or for the new connection the pool may need after a quiet spell).
 */
const KEY_REFRESH_MS = KEY_CACHE_MS / 2;

interface VerifiedKey {
  record: ApiKeyRecord;
  until: number;
  refreshAt: number;
}

@Injectable()
export class ApiKeys {
  private readonly verified = new Map<string, VerifiedKey>();
  /** One lookup per key at a time: the requests that find a key unknown or expired share it. */
  private readonly lookups = new Map<string, Promise<ApiKeyRecord | null>>();

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
    const revoked = await this.repository.revoke(id, this.clock.now());
    // Again: a lookup that read the key before the revocation may have put it back meanwhile.
    this.verified.delete(id);
    return revoked;
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
    let record: ApiKeyRecord | null;
    if (cached && cached.until > now) {
      record = cached.record;
      if (cached.refreshAt <= now) {
        cached.refreshAt = Infinity;
        this.lookUp(parts.id).catch(() => undefined); // a failed refresh leaves the entry to expire
      }
    } else {
      record = await this.lookUp(parts.id);
    }
    if (!record || record.revokedAt || !secretMatches(record, parts.secret)) return null;
    return record;
  }

  private lookUp(id: string): Promise<ApiKeyRecord | null> {
    const pending = this.lookups.get(id);
    if (pending) return pending;
    const lookup = this.repository
      .findById(id)
      .then((record) => {
        if (!record) {
          this.verified.delete(id);
          return null;
        }
        if (this.verified.size > 10_000) this.verified.clear();
        const now = Date.now();
        this.verified.set(id, { record, until: now + KEY_CACHE_MS, refreshAt: now + KEY_REFRESH_MS });
        return record;
      })
      .finally(() => this.lookups.delete(id));
    this.lookups.set(id, lookup);
    return lookup;
  }
}
