import { KeyObject, createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { AppConfig } from '../app-config';
import { ConfigError } from '../app-config';

/** One data encryption key: the id is stored next to each ciphertext, the key never leaves this class. */
interface DataKey {
  id: string;
  key: Buffer;
}

/** A token that cannot be decrypted: malformed, unknown key id, tampered, or bound to another context. */
export class FieldCipherError extends Error {
  override name = 'FieldCipherError';
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** No dot: the dot separates the parts of a token. Same rule as DATA_ENCRYPTION_KEYS in the configuration. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

interface ParsedToken {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Field-level encryption at rest: AES-256-GCM with a fresh 12-byte IV per value and the caller's `context`
 * (e.g. column name and the row's CPF hash) as additional authenticated data, so a ciphertext copied to another
 * row or column fails to decrypt. Tokens are `v1.<keyId>.<iv>.<ciphertext>.<tag>`; the first key encrypts, every key
 * decrypts. `lookupHash` is a keyed HMAC of the CPF: deterministic enough to be a key, while 11 digits are too few to
 * resist a plain hash.
 * Key material is kept in private fields and never appears in errors, `console.log` or `JSON.stringify`.
 */
export class FieldCipher {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #currentKeyId: string;
  readonly #lookupKey: KeyObject;

  constructor(keyring: readonly DataKey[], lookupKey: Buffer) {
    if (!keyring.length)
      throw new FieldCipherError('the data encryption keyring is empty: at least one key is required');
    const keys = new Map<string, Buffer>();
    for (const { id, key } of keyring) {
      if (typeof id !== 'string' || !KEY_ID.test(id))
        throw new FieldCipherError('a data encryption key id must be 1 to 32 letters, digits, "_" or "-"');
      if (keys.has(id)) throw new FieldCipherError(`the data encryption key id "${id}" appears twice in the keyring`);
      if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES)
        throw new FieldCipherError(`the data encryption key "${id}" must be ${KEY_BYTES} bytes`);
      keys.set(id, Buffer.from(key));
    }
    if (!Buffer.isBuffer(lookupKey) || lookupKey.length < KEY_BYTES)
      throw new FieldCipherError(`the CPF lookup key must be at least ${KEY_BYTES} bytes`);
    this.#keys = keys;
    this.#currentKeyId = keyring[0].id;
    this.#lookupKey = createSecretKey(Buffer.from(lookupKey));
  }

  /** Random keys that live as long as this process: only for the embedded in-memory database. */
  static ephemeral(): FieldCipher {
    return new FieldCipher([{ id: 'ephemeral', key: randomBytes(KEY_BYTES) }], randomBytes(KEY_BYTES));
  }

  /**
   * The cipher for a configuration: its keys when both are set, ephemeral keys when neither is and the data dies
   * with the process. Data that outlives the process (PostgreSQL, PGlite on disk) with no keys would be unreadable
   * after a restart, so that is refused, as is a half-configured pair.
   */
  static fromConfig(
    config: Pick<AppConfig, 'dataEncryptionKeys' | 'cpfLookupKey' | 'databaseUrl' | 'pgliteDataDir'>,
  ): FieldCipher {
    const { dataEncryptionKeys: keys, cpfLookupKey: lookupKey } = config;
    if (keys?.length && lookupKey) return new FieldCipher(keys, lookupKey);
    if (keys?.length || lookupKey)
      throw new ConfigError('DATA_ENCRYPTION_KEYS and CPF_LOOKUP_KEY must be set together');
    if (config.databaseUrl || config.pgliteDataDir) {
      throw new ConfigError(
        'DATA_ENCRYPTION_KEYS and CPF_LOOKUP_KEY are required when the database outlives the process (DATABASE_URL or PGLITE_DATA_DIR)',
      );
    }
    return FieldCipher.ephemeral();
  }

  /** Id of the key new tokens are encrypted with. */
  get currentKeyId(): string {
    return this.#currentKeyId;
  }

  /** Ids of every key that can decrypt, current first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  encrypt(plaintext: string, context: string): string {
    if (typeof plaintext !== 'string') throw new FieldCipherError('only text can be encrypted');
    const keyId = this.#currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(keyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      keyId,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  decrypt(token: string, context: string): string {
    const { keyId, iv, ciphertext, tag } = parse(token);
    const key = this.#keys.get(keyId);
    if (!key)
      throw new FieldCipherError(
        `no data encryption key with id "${keyId}" in the keyring (it has: ${this.keyIds.join(', ')})`,
      );
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCipherError(
        `a value encrypted with key "${keyId}" failed authentication: tampered, or moved from another row or field`,
      );
    }
  }

  /** True when the token was not encrypted with the current key (so a rotation still has to rewrite it). */
  needsReencryption(token: string): boolean {
    return parse(token).keyId !== this.#currentKeyId;
  }

  /** Id of the key a token was encrypted with (read from its header, nothing is decrypted). */
  keyIdOf(token: string): string {
    return parse(token).keyId;
  }

  /** HMAC-SHA256 of the 11 CPF digits, lowercase hex (64 characters): for a unique index and look-ups. */
  lookupHash(cpfDigits: string): string {
    if (typeof cpfDigits !== 'string' || !/^\d{11}$/.test(cpfDigits))
      throw new FieldCipherError('the CPF look-up hash takes the 11 digits of a CPF, unformatted');
    return createHmac('sha256', this.#lookupKey).update(cpfDigits, 'utf8').digest('hex');
  }

  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return { currentKeyId: this.#currentKeyId, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `FieldCipher { currentKeyId: '${this.#currentKeyId}', keyIds: [${this.keyIds.map((id) => `'${id}'`).join(', ')}] }`;
  }
}

/** The version and key id are authenticated too, so a header cannot be edited without the tag failing. */
function aad(keyId: string, context: string): Buffer {
  if (typeof context !== 'string' || context.length === 0)
    throw new FieldCipherError('an encryption context is required');
  return Buffer.from(`${VERSION}.${keyId}.${context}`, 'utf8');
}

function parse(token: string): ParsedToken {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 5 || parts[0] !== VERSION) throw new FieldCipherError(`not a ${VERSION} field token`);
  const [, keyId, iv, ciphertext, tag] = parts;
  if (!KEY_ID.test(keyId) || ![iv, ciphertext, tag].every((p) => B64URL.test(p)))
    throw new FieldCipherError(`malformed ${VERSION} field token`);
  const parsed = {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
  if (parsed.iv.length !== IV_BYTES || parsed.tag.length !== TAG_BYTES)
    throw new FieldCipherError(`malformed ${VERSION} field token`);
  return parsed;
}
