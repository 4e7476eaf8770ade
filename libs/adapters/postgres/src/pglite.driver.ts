import { PGlite, types } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';

type Callback = (err: Error | null, client?: PGliteClient, release?: (err?: Error) => void) => void;

/**
 * A `pg`-shaped module over one in-process PGlite database, for TypeORM's postgres driver.
 * PGlite has a single session, so the "pool" hands it to one query runner at a time: a transaction can
 * never see another request's statements interleaved inside it (the shared-connection adapters on npm allow that).
 */
export function pgliteModule(db: PGlite): { Pool: new () => EventEmitter } {
  class PGliteClient extends EventEmitter {
    async query(sql: string, params?: unknown[] | ((...args: unknown[]) => void)) {
      const values = Array.isArray(params) ? params : undefined;
      if (values && values.length > 0) return toPgResult(sql, await db.query(sql, values));
      const results = await db.exec(sql);
      return toPgResult(sql, results[results.length - 1] ?? { rows: [], affectedRows: 0 });
    }
  }

  class PGlitePool extends EventEmitter {
    private readonly client = new PGliteClient();
    private queue: Promise<void> = Promise.resolve();

    connect(callback: Callback): void {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const previous = this.queue;
      this.queue = previous.then(() => turn);
      previous.then(
        () => callback(null, this.client, () => release()),
        (error: Error) => callback(error),
      );
    }

    end(callback?: (err: Error | null) => void): void {
      db.close().then(
        () => callback?.(null),
        (error: Error) => callback?.(error),
      );
    }
  }

  return { Pool: PGlitePool as unknown as new () => EventEmitter };
}

type PGliteClient = { query(sql: string, params?: unknown[]): Promise<unknown> };

function toPgResult(sql: string, r: { rows: unknown[]; affectedRows?: number }) {
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command };
}

/** Dates and bigints come back as text, as node-postgres returns them, so mappers behave the same on both. */
export async function createPGlite(dataDir?: string): Promise<PGlite> {
  return PGlite.create(dataDir, {
    parsers: { [types.DATE]: (v: string) => v, [types.INT8]: (v: string) => v },
  });
}
