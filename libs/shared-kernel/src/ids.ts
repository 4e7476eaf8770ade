import { randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

/**
 * Correlation travels with a request through commands, messages and events; causation names the message that led here.
 */
export interface MessageMetadata {
  readonly correlationId: string;
  readonly causationId?: string;
  readonly clientId?: string;
}
