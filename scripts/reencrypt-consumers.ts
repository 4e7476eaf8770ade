import { FieldCipher, loadConfig } from '@app/platform';
import 'reflect-metadata';
import { postgresDataSource, reencryptConsumers } from '@app/adapters/postgres';

/**
 * `npm run db:reencrypt [-- --dry-run] [-- --page-size=N]`: the second half of a key rotation. Put the new key first in
 * DATA_ENCRYPTION_KEYS (keeping the old ones after it), deploy, then run this: every consumer still encrypted with an
 * older key is rewritten with the new one. When it reports no stale rows left, the old keys can leave the keyring.
 * Safe to run again and while the API serves. Prints counts and key ids only, never a key or personal data.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl)
    throw new Error('DATABASE_URL is not set: the embedded PGlite database uses keys of its own');
  const dryRun = process.argv.includes('--dry-run');
  const pageArg = process.argv.find((a) => a.startsWith('--page-size='));
  const pageSize = pageArg ? Number(pageArg.slice('--page-size='.length)) : 500;
  const cipher = FieldCipher.fromConfig(config);
  const dataSource = await postgresDataSource(config.databaseUrl).initialize();
  try {
    console.log(
      `${dryRun ? 'counting' : 're-encrypting'} consumers not encrypted with the current key "${cipher.currentKeyId}"`,
    );
    const result = await reencryptConsumers(dataSource, cipher, {
      dryRun,
      pageSize,
      onPage: (p) => console.log(`  ${p.stale} stale so far, ${p.reencrypted} re-encrypted, ${p.failed} failed`),
    });
    const perKey =
      Object.entries(result.byKeyId)
        .map(([id, n]) => `${id}: ${n}`)
        .join(', ') || 'none';
    console.log(`stale rows by key id: ${perKey}`);
    console.log(
      `re-encrypted ${result.reencrypted}, skipped ${result.skipped} (saved meanwhile), failed ${result.failed}`,
    );
    for (const f of result.failures) console.error(`  cpf_hash ${f.cpfHash}: ${f.reason}`);
    if (result.failed > 0) process.exitCode = 2;
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
