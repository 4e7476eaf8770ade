import { loadConfig } from '@app/platform';
import 'reflect-metadata';
import { postgresDataSource } from '@app/adapters/postgres';

/** `npm run db:migrate [-- --revert]`: production schemas change only through this command, never via synchronize. */
async function main(): Promise<void> {
  const { databaseUrl } = loadConfig();
  if (!databaseUrl)
    throw new Error('DATABASE_URL is not set: the embedded PGlite database migrates itself at start-up');
  const dataSource = await postgresDataSource(databaseUrl).initialize();
  try {
    if (process.argv.includes('--revert')) {
      await dataSource.undoLastMigration({ transaction: 'all' });
      console.log('reverted the last migration');
    } else {
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
