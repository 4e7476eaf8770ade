import { MessageMetadata } from '@app/shared-kernel';

type DataClass = 'CONSUMER' | 'RATING_FEATURES' | 'TRANSACTIONS';

/** The data of these CPFs changed: their cached analyses are stale and they need re-scoring. */
export class ConsumerDataChangedEvent {
  constructor(
    readonly cpfs: string[],
    readonly dataClass: DataClass,
    readonly metadata: MessageMetadata,
  ) {}
}

/** CPFs one change event names at most: the rescore queue takes up to 1,000 a message. */
const CHANGED_CPFS_PER_EVENT = 1_000;

/** One change of many CPFs as events of at most CHANGED_CPFS_PER_EVENT each. */
export function consumerDataChanged(
  cpfs: readonly string[],
  dataClass: DataClass,
  metadata: MessageMetadata,
): ConsumerDataChangedEvent[] {
  const events: ConsumerDataChangedEvent[] = [];
  for (let i = 0; i < cpfs.length; i += CHANGED_CPFS_PER_EVENT) {
    events.push(new ConsumerDataChangedEvent(cpfs.slice(i, i + CHANGED_CPFS_PER_EVENT), dataClass, metadata));
  }
  return events;
}
