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
/** Entries each map keeps at most: a flood of made-up ids empties it rather than growing it. */
const MAX_CACHED = 10_000;

interface VerifiedKey {
  record: ApiKeyRecord;
  until: number;
  refreshAt: number;
}

@Injectable()
export class ApiKeys {
  private readonly verified = new Map<string, VerifiedKey>();
  /**
   * Ids the database did not know, until when: a client retrying with a key from another environment, or a mistyped
   * one, asks the database once per KEY_CACHE_MS rather than on every request. Ids are random, so one is not issued
   * after being asked for; one issued here is forgotten anyway.
   */
  private readonly unknown = new Map<string, number>();
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
    this.unknown.delete(issued.record.id);
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
  authenticate(presented: string): Promise<ApiKeyRecord | null> {
    const known = this.authenticateNow(presented);
    return known === undefined ? this.authenticateFromRepository(presented) : Promise.resolve(known);
  }

  /**
   * What authenticate resolves to when it is known without the repository (a malformed key, or one verified or found
   * unknown within KEY_CACHE_MS), or undefined when only a lookup can tell: the cached read decides in the same tick.
   */
  authenticateNow(presented: string): ApiKeyRecord | null | undefined {
    const parts = splitApiKey(presented);
    if (!parts) return null;
    const now = Date.now();
    const cached = this.verified.get(parts.id);
    if (cached && cached.until > now) {
      if (cached.refreshAt <= now) {
        cached.refreshAt = Infinity;
        this.lookUp(parts.id).catch(() => undefined); // a failed refresh leaves the entry to expire
      }
      return genuine(cached.record, parts.secret);
    }
    if ((this.unknown.get(parts.id) ?? 0) > now) return null;
    return undefined;
  }

  private async authenticateFromRepository(presented: string): Promise<ApiKeyRecord | null> {
    const parts = splitApiKey(presented);
    return parts ? genuine(await this.lookUp(parts.id), parts.secret) : null;
  }

  private lookUp(id: string): Promise<ApiKeyRecord | null> {
    const pending = this.lookups.get(id);
    if (pending) return pending;
    const lookup = this.repository
      .findById(id)
      .then((record) => {
        const now = Date.now();
        if (!record) {
          this.verified.delete(id);
          if (this.unknown.size >= MAX_CACHED) this.unknown.clear();
          this.unknown.set(id, now + KEY_CACHE_MS);
          return null;
        }
        this.unknown.delete(id);
        if (this.verified.size >= MAX_CACHED) this.verified.clear();
        this.verified.set(id, { record, until: now + KEY_CACHE_MS, refreshAt: now + KEY_REFRESH_MS });
        return record;
      })
      .finally(() => this.lookups.delete(id));
    this.lookups.set(id, lookup);
    return lookup;
  }
}

/** The record when the presented secret is its own and it is not revoked. */
function genuine(record: ApiKeyRecord | null, secret: string): ApiKeyRecord | null {
  return record && !record.revokedAt && secretMatches(record, secret) ? record : null;
}
