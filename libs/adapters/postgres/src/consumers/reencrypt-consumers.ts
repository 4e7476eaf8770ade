import type { FieldCipher } from '@app/platform';
import { DataSource, MoreThan, Not } from 'typeorm';
import { ConsumerRow } from './consumer.typeorm-entity';
import { decryptConsumerFields, encryptConsumerFields } from './consumer.typeorm-mapper';

interface ReencryptOptions {
  /** Rows read (and rewritten, in one transaction) at a time. */
  pageSize?: number;
  /** Count what a rotation would rewrite, per key id, without writing anything. */
  dryRun?: boolean;
  /** Called after each page with the running totals (for progress output). */
  onPage?: (progress: ReencryptResult) => void;
}

interface ReencryptResult {
  /** Rows found with a key other than the current one. */
  stale: number;
  /** Of those, rows rewritten with the current key. */
  reencrypted: number;
  /** Rows changed by someone else between our read and our write: already rewritten by them, left alone. */
  skipped: number;
  /** Rows that could not be decrypted (unknown key id, failed authentication); they keep their old key. */
  failed: number;
  /** Stale rows per key id, before this run: a key can leave the keyring once its count is zero. */
  byKeyId: Record<string, number>;
  /** The first failures, by cpf_hash (a keyed hash, not the CPF) and reason; never any clear text. */
  failures: { cpfHash: string; reason: string }[];
}

const MAX_LISTED_FAILURES = 20;

/**
 * Key rotation for A_CONSUMER: walks the consumers in pages ordered by cpf_hash and rewrites every row whose key_id is
 * not the cipher's current key, decrypting with the old key (still in the keyring) and encrypting with the new one.
 * `updated_at` is kept: the data did not change. Each write is conditional on the row still holding the tokens that
 * were read, so a consumer saved concurrently by the application is never overwritten with older data. Safe to run
 * again (it resumes where rows are still stale) and while the application serves requests.
 */
export async function reencryptConsumers(
  dataSource: DataSource,
  cipher: FieldCipher,
  options: ReencryptOptions = {},
): Promise<ReencryptResult> {
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error('pageSize must be a positive integer');
  const result: ReencryptResult = { stale: 0, reencrypted: 0, skipped: 0, failed: 0, byKeyId: {}, failures: [] };
  const current = cipher.currentKeyId;
  const consumers = dataSource.getRepository(ConsumerRow);
  let after = '';
  for (;;) {
    const page = await consumers.find({
      select: { cpfHash: true, cpfEnc: true, nameEnc: true, addressEnc: true, keyId: true },
      where: { cpfHash: MoreThan(after), keyId: Not(current) },
      order: { cpfHash: 'ASC' },
      take: pageSize,
    });
    if (!page.length) break;
    after = page[page.length - 1].cpfHash;
    const rewrites: { row: ConsumerRow; next: ReturnType<typeof encryptConsumerFields> }[] = [];
    for (const row of page) {
      result.stale++;
      result.byKeyId[row.keyId] = (result.byKeyId[row.keyId] ?? 0) + 1;
      if (options.dryRun) continue;
      try {
        const cpfHash = row.cpfHash.trim();
        rewrites.push({ row, next: encryptConsumerFields(decryptConsumerFields(row, cipher), cpfHash, cipher) });
      } catch (error) {
        result.failed++;
        if (result.failures.length < MAX_LISTED_FAILURES)
          result.failures.push({ cpfHash: row.cpfHash, reason: (error as Error).message });
      }
    }
    if (rewrites.length) {
      await dataSource.transaction(async (tx) => {
        for (const { row, next } of rewrites) {
          const written = await tx.getRepository(ConsumerRow).update(
            {
              cpfHash: row.cpfHash,
              keyId: row.keyId,
              cpfEnc: row.cpfEnc,
              nameEnc: row.nameEnc,
              addressEnc: row.addressEnc,
            },
            next,
          );
          if (written.affected) result.reencrypted++;
          else result.skipped++;
        }
      });
    }
    options.onPage?.({ ...result, byKeyId: { ...result.byKeyId }, failures: [...result.failures] });
    if (page.length < pageSize) break;
  }
  return result;
}
