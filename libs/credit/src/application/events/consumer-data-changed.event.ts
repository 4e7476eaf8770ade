import { MessageMetadata } from '@app/shared-kernel';

export type DataClass = 'CONSUMER' | 'RATING_FEATURES' | 'TRANSACTIONS' | 'RATING';

/** Something about these CPFs changed: their cached analyses are stale and, unless the change was a rating, they need re-scoring. */
export class ConsumerDataChangedEvent {
  constructor(
    readonly cpfs: string[],
    readonly dataClass: DataClass,
    readonly metadata: MessageMetadata,
  ) {}
}
