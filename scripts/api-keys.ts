import { ApiKeys } from '@app/credit-application';
import { SCOPES, parseScopes } from '@app/credit-domain';
import { loadConfig } from '@app/platform';
import { SystemClock } from '@app/shared-kernel';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  TypeormApiKeyRepository,
  RELATIONAL_ENTITIES,
  RELATIONAL_MIGRATIONS,
  createPGlite,
  pgliteModule,
} from '@app/adapters/postgres';

const USAGE = `usage:
  npm run apikey -- create --name "Banco Horizonte" --scopes analysis:read,consumer:read
  npm run apikey -- revoke <key id>
  npm run apikey -- list
scopes: ${SCOPES.join(', ')}`;

/**
 * Keys live in the relational store: PostgreSQL (DATABASE_URL) or a PGlite folder (PGLITE_DATA_DIR) while the API is
 * stopped.
 */
async function openDataSource(): Promise<DataSource> {
  const config = loadConfig();
  const common = {
    type: 'postgres' as const,
    entities: RELATIONAL_ENTITIES,
    migrations: RELATIONAL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
  };
  if (config.databaseUrl) return new DataSource({ ...common, url: config.databaseUrl }).initialize();
  if (config.pgliteDataDir)
    return new DataSource({
      ...common,
      driver: pgliteModule(await createPGlite(config.pgliteDataDir)),
      migrationsRun: true,
    }).initialize();
  throw new Error('set DATABASE_URL (or PGLITE_DATA_DIR): the in-memory demo prints its own key at start-up');
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const [command] = args;
  if (!['create', 'revoke', 'list'].includes(command)) {
    console.error(USAGE);
    process.exit(2);
  }
  const dataSource = await openDataSource();
  try {
    const keys = new ApiKeys(new TypeormApiKeyRepository(dataSource), new SystemClock());
    if (command === 'create') {
      const name = option(args, 'name');
      const scopes = parseScopes((option(args, 'scopes') ?? '').split(',').filter(Boolean));
      if (!name) throw new Error('--name is required');
      const { record, plaintext } = await keys.create(name, scopes);
      console.log(`created key ${record.id} for "${record.name}" with scopes ${record.scopes.join(', ')}`);
      console.log(
        `\n  ${plaintext}\n\nThis is the only time the key is shown: it is stored hashed. Send it in the X-Api-Key header.`,
      );
    } else if (command === 'revoke') {
      const id = args[1];
      if (!id) throw new Error('give the key id to revoke (see `list`)');
      console.log((await keys.revoke(id)) ? `revoked ${id}` : `no active key ${id}`);
    } else {
      for (const k of await keys.list()) {
        console.log(
          `${k.id}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}  ${k.name}  [${k.scopes.join(', ')}]  created ${k.createdAt.toISOString()}`,
        );
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
