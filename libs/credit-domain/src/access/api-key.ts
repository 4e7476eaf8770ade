import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@app/shared-kernel';

export const SCOPES = [
  'analysis:read',
  'consumer:read',
  'consumer:write',
  'transactions:read',
  'transactions:write',
  'ratings:admin',
  'subject:read',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Why personal data is read; every read of A or B data must declare one, and it is kept with the audit entry. */
export const PURPOSES = [
  'CREDIT_GRANTING',
  'CREDIT_REVIEW',
  'COLLECTION',
  'FRAUD_PREVENTION',
  'RENTAL_GUARANTEE',
  'DATA_SUBJECT_REQUEST',
  'REGULATORY_AUDIT',
] as const;
export type Purpose = (typeof PURPOSES)[number];

const PREFIX = 'cak';

export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  /** SHA-256 of the secret: the key itself is shown once at creation and never stored. */
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export function parseScopes(raw: string[]): Scope[] {
  const unknown = raw.filter((s) => !SCOPES.includes(s as Scope));
  if (unknown.length || raw.length === 0) {
    throw new ValidationError(
      'SCOPE_INVALID',
      'scopes',
      `scopes must be among ${SCOPES.join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}`,
    );
  }
  return [...new Set(raw)] as Scope[];
}

/** What the stored hash is of the secret: SHA-256, kept as hex. */
const secretDigest = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** A new key: `cak_<id>_<secret>`; the id finds the record, the 256-bit secret proves possession. */
export function issueApiKey(name: string, scopes: Scope[], now: Date): { record: ApiKeyRecord; plaintext: string } {
  if (!/^[\w .:@&-]{1,120}$/.test(name))
    throw new ValidationError('NAME_INVALID', 'name', 'must be 1-120 letters, digits, spaces or . : @ & - _');
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return {
    record: { id, name, scopes, secretHash: secretDigest(secret).toString('hex'), createdAt: now, revokedAt: null },
    plaintext: `${PREFIX}_${id}_${secret}`,
  };
}

export function splitApiKey(presented: string): { id: string; secret: string } | null {
  const match = /^cak_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(presented.trim());
  return match ? { id: match[1], secret: match[2] } : null;
}

/** The stored hashes as bytes, decoded once per record: a key in use is checked on every request it makes. */
const storedHashes = new WeakMap<ApiKeyRecord, Buffer>();

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function secretMatches(record: ApiKeyRecord, secret: string): boolean {
  let stored = storedHashes.get(record);
  if (!stored) storedHashes.set(record, (stored = Buffer.from(record.secretHash, 'hex')));
  const presented = secretDigest(secret);
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}
