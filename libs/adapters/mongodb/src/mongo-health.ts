import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, ConnectionStates } from 'mongoose';

type MongoHealthStatus = 'up' | 'down';

/**
 * Pings the server, bounded by its own timeout: while the server is away the driver would otherwise wait for
 * server selection, and a health probe that hangs is worse than one that answers "down".
 */
export async function mongoHealth(connection: Connection, timeoutMs = 2_000): Promise<MongoHealthStatus> {
  if (connection.readyState !== ConnectionStates.connected || !connection.db) return 'down';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
  });
  try {
    await Promise.race([connection.db.admin().ping(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class MongoHealth {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  check(timeoutMs?: number): Promise<MongoHealthStatus> {
    return mongoHealth(this.connection, timeoutMs);
  }
}
