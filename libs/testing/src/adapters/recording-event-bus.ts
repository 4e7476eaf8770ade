import { AnalysisCache, ChangeNotifier } from '@app/credit-application';
import type { EventBus } from '@nestjs/cqrs';

/**
 * Stand-in for the framework's EventBus: records what a handler publishes so a test can assert on it.
 * Hand it to a handler with `bus.asEventBus()`, or to one that notifies changes with `bus.notifier(cache)`: a real
 * ChangeNotifier on that cache, whose events end up here.
 */
export class RecordingEventBus {
  readonly published: object[] = [];

  publish(event: object): void {
    this.published.push(event);
  }

  ofType<T>(type: abstract new (...args: never[]) => T): T[] {
    return this.published.filter((e): e is T & object => e instanceof type);
  }

  clear(): void {
    this.published.length = 0;
  }

  asEventBus(): EventBus {
    return this as unknown as EventBus;
  }

  notifier(cache: AnalysisCache): ChangeNotifier {
    return new ChangeNotifier(cache, this.asEventBus());
  }
}
