/**
 * An entry's seq and hash, kept outside the database: a hash chain alone cannot show that its newest entries were
 * deleted, or that someone who owns the table rewrote it, hashes and all, from some entry on. A chain that still holds
 * the anchored entry with the anchored hash was not cut or rewritten at or before it.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

/** The anchor as audit:verify prints and takes it, `seq:hash`. */
export const anchorToken = ({ seq, hash }: AuditAnchor): string => `${seq}:${hash}`;

export function parseAnchor(token: string): AuditAnchor {
  const match = /^(\d{1,18}):([0-9a-f]{64})$/.exec(token.trim());
  if (!match)
    throw new Error(`an anchor is <seq>:<64 hex digits of its hash>, as audit:verify prints it; got "${token}"`);
  return { seq: Number(match[1]), hash: match[2]! };
}
