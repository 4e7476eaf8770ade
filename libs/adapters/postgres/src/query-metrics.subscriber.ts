import { StoreName, boundedOperation, recordStoreCall } from '@app/platform';
import { EventSubscriber } from 'typeorm';
import type { AfterQueryEvent, BeforeQueryEvent, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/** The statements the platform sends, by their first keyword; anything else is "other". */
const STATEMENTS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'with',
  'start',
  'commit',
  'rollback',
  'savepoint',
  'release',
  'set',
  'create',
  'alter',
]);

/**
 * Times every query TypeORM runs (its query events), by the statement's first keyword. A query runner runs one query
 * at a time, so the start of the query in hand is kept per runner for failed queries, which TypeORM reports untimed.
 */
abstract class QueryMetricsSubscriber implements EntitySubscriberInterface {
  private readonly started = new WeakMap<QueryRunner, number>();

  protected abstract readonly store: StoreName;

  beforeQuery(event: BeforeQueryEvent<unknown>): void {
    this.started.set(event.queryRunner, performance.now());
  }

  afterQuery(event: AfterQueryEvent<unknown>): void {
    const startedAt = this.started.get(event.queryRunner);
    const ms = event.executionTime ?? (startedAt === undefined ? 0 : performance.now() - startedAt);
    const keyword = /^\s*([A-Za-z]+)/.exec(event.query)?.[1];
    recordStoreCall(this.store, boundedOperation(STATEMENTS, keyword), ms / 1000, !event.success);
  }
}

/**
 * TypeORM instantiates subscribers itself, without arguments: one class per store. It keeps only the listed classes
 * that carry @EventSubscriber() and silently drops the others.
 */
@EventSubscriber()
export class PostgresQueryMetrics extends QueryMetricsSubscriber {
  protected readonly store = 'postgresql';
}

@EventSubscriber()
export class PgliteQueryMetrics extends QueryMetricsSubscriber {
  protected readonly store = 'pglite';
}
