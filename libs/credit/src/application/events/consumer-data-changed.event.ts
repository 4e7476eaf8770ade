import { MessageMetadata } from '@app/shared-kernel';

export type DataClass = 'CONSUMER' | 'RATING_FEATURES' | 'TRANSACTIONS';

/** The data of these CPFs changed: their cached analyses are stale and they need re-scoring. */
export class ConsumerDataChangedEvent {
  constructor(
    readonly cpfs: string[],
    readonly dataClass: DataClass,
    readonly metadata: MessageMetadata,
  ) {}
}
