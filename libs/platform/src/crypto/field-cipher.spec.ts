import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigError } from '../app-config';
import { FieldCipher, FieldCipherError } from './field-cipher';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const lookupKey = randomBytes(32);
const context = 'consumers.name_enc:abc123';

/** Flips one bit of one base64url part of a token (1 iv, 2 ciphertext, 3 tag; 0 is the key id). */
function tamper(token: string, part: 1 | 2 | 3): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part + 1], 'base64url');
  bytes[0] ^= 0x01;
  parts[part + 1] = bytes.toString('base64url');
  return parts.join('.');
}

describe('FieldCipher', () => {
  const cipher = new FieldCipher([k1], lookupKey);

  it('round-trips text, accents and the empty string', () => {
    for (const text of ['José da Silva', '{"street":"Rua das Flores","city":"São Paulo"}', '', '12345678909']) {
      expect(cipher.decrypt(cipher.encrypt(text, context), context)).toBe(text);
    }
  });

  it('writes v1.<keyId>.<iv>.<ciphertext>.<tag> with a 12-byte IV and a 16-byte tag, in base64url', () => {
    const token = cipher.encrypt('José da Silva', context);
    const [version, keyId, iv, ciphertext, tag, ...rest] = token.split('.');
    expect([version, keyId, rest]).toEqual(['v1', 'k1', []]);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64url')).toHaveLength(Buffer.byteLength('José da Silva'));
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('uses a different IV each time, so equal values give different tokens', () => {
    const tokens = Array.from({ length: 50 }, () => cipher.encrypt('José da Silva', context));
    expect(new Set(tokens).size).toBe(50);
    expect(new Set(tokens.map((t) => t.split('.')[2])).size).toBe(50);
  });

  it('rejects a tampered IV, ciphertext or tag', () => {
    const token = cipher.encrypt('José da Silva', context);
    for (const part of [1, 2, 3] as const) {
      expect(() => cipher.decrypt(tamper(token, part), context)).toThrow(FieldCipherError);
    }
  });

  it('rejects a token read with another context (the AAD): another row or another column', () => {
    const token = cipher.encrypt('José da Silva', context);
    expect(() => cipher.decrypt(token, 'consumers.name_enc:other-row')).toThrow(/failed authentication/);
    expect(() => cipher.decrypt(token, 'consumers.address_enc:abc123')).toThrow(/failed authentication/);
  });

  it('rejects an edited header: the key id is authenticated too', () => {
    const both = new FieldCipher([k1, { id: 'k9', key: k1.key }], lookupKey);
    const token = both.encrypt('José da Silva', context);
    expect(() => both.decrypt(token.replace(/^v1\.k1\./, 'v1.k9.'), context)).toThrow(/failed authentication/);
  });

  it('rejects a truncated tag instead of accepting a shorter one', () => {
    const token = cipher.encrypt('José da Silva', context);
    const parts = token.split('.');
    parts[4] = Buffer.from(parts[4], 'base64url').subarray(0, 4).toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), context)).toThrow(/malformed/);
  });

  it('rejects what is not a token, such as clear text', () => {
    for (const bad of ['José da Silva', 'v2.k1.a.b.c', 'v1.k1.a.b', 'v1.k.1.a.b.c', 'v1.k1.***.b.c']) {
      expect(() => cipher.decrypt(bad, context)).toThrow(FieldCipherError);
    }
  });

  it('still decrypts with an older key after rotation, and encrypts only with the first', () => {
    const old = cipher.encrypt('José da Silva', context);
    const rotated = new FieldCipher([k2, k1], lookupKey);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.decrypt(old, context)).toBe('José da Silva');
    const fresh = rotated.encrypt('José da Silva', context);
    expect(fresh.split('.')[1]).toBe('k2');
    expect(rotated.needsReencryption(old)).toBe(true);
    expect(rotated.needsReencryption(fresh)).toBe(false);
    expect(rotated.keyIdOf(old)).toBe('k1');
  });

  it('names an unknown key id in its error, never a key', () => {
    const token = new FieldCipher([k2], lookupKey).encrypt('José da Silva', context);
    let message = '';
    try {
      cipher.decrypt(token, context);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/no data encryption key with id "k2"/);
    for (const key of [k1.key, k2.key, lookupKey]) {
      expect(message).not.toContain(key.toString('base64'));
      expect(message).not.toContain(key.toString('hex'));
    }
  });

  it('makes a deterministic look-up hash that depends on the key', () => {
    const hash = cipher.lookupHash('12345678909');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new FieldCipher([k2], lookupKey).lookupHash('12345678909')).toBe(hash);
    expect(new FieldCipher([k1], randomBytes(32)).lookupHash('12345678909')).not.toBe(hash);
    expect(cipher.lookupHash('98765432100')).not.toBe(hash);
    expect(() => cipher.lookupHash('123.456.789-09')).toThrow(/11 digits/);
  });

  it('leaves no plaintext substring in the token', () => {
    const secrets = ['Maria Aparecida Ferreira', 'Rua Desembargador Westphalen', '52998224725'];
    for (const secret of secrets) {
      const token = cipher.encrypt(secret, context);
      for (let i = 0; i + 6 <= secret.length; i++) expect(token).not.toContain(secret.slice(i, i + 6));
      expect(token).not.toContain(Buffer.from(secret).toString('base64url').slice(0, 8));
    }
  });

  it('never shows key material in JSON or console output', () => {
    const shown = `${JSON.stringify(cipher)} ${inspect(cipher, { showHidden: true, depth: 5 })} ${String(cipher)}`;
    for (const key of [k1.key, lookupKey]) {
      expect(shown).not.toContain(key.toString('base64'));
      expect(shown).not.toContain(key.toString('hex'));
    }
    expect(JSON.parse(JSON.stringify(cipher))).toEqual({ currentKeyId: 'k1', keyIds: ['k1'] });
  });

  it('refuses a bad keyring', () => {
    expect(() => new FieldCipher([], lookupKey)).toThrow(/empty/);
    expect(() => new FieldCipher([{ id: 'k1', key: randomBytes(16) }], lookupKey)).toThrow(/32 bytes/);
    expect(() => new FieldCipher([k1, { ...k2, id: 'k1' }], lookupKey)).toThrow(/twice/);
    expect(() => new FieldCipher([{ ...k1, id: 'k.1' }], lookupKey)).toThrow(/key id/);
    expect(() => new FieldCipher([k1], randomBytes(8))).toThrow(/lookup key/);
  });

  it('makes ephemeral keys that differ from one instance to the next', () => {
    const a = FieldCipher.ephemeral();
    const b = FieldCipher.ephemeral();
    expect(a.decrypt(a.encrypt('x', context), context)).toBe('x');
    expect(() => b.decrypt(a.encrypt('x', context), context)).toThrow(FieldCipherError);
    expect(a.lookupHash('12345678909')).not.toBe(b.lookupHash('12345678909'));
  });

  describe('fromConfig', () => {
    const none = { dataEncryptionKeys: null, cpfLookupKey: null, databaseUrl: null, pgliteDataDir: null };

    it('uses the configured keys, first one current', () => {
      const configured = FieldCipher.fromConfig({
        ...none,
        dataEncryptionKeys: [k2, k1],
        cpfLookupKey: lookupKey,
        databaseUrl: 'postgres://x/y',
      });
      expect(configured.keyIds).toEqual(['k2', 'k1']);
      expect(configured.lookupHash('12345678909')).toBe(cipher.lookupHash('12345678909'));
    });

    it('makes ephemeral keys for the in-memory default only', () => {
      expect(FieldCipher.fromConfig(none).currentKeyId).toBe('ephemeral');
      expect(() => FieldCipher.fromConfig({ ...none, databaseUrl: 'postgres://x/y' })).toThrow(ConfigError);
      expect(() => FieldCipher.fromConfig({ ...none, pgliteDataDir: '/tmp/pglite' })).toThrow(ConfigError);
      expect(() => FieldCipher.fromConfig({ ...none, cpfLookupKey: lookupKey })).toThrow(/together/);
    });
  });
});
