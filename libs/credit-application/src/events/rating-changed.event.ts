import { MessageMetadata } from '@app/shared-kernel';
import { Rating } from '@app/credit-domain';

/** A new rating differs from the previous one: the cached analysis is stale and partners want to know. */
export class RatingChangedEvent {
  constructor(
    readonly rating: Rating,
    readonly previousScore: number | null,
    readonly metadata: MessageMetadata,
  ) {}
}
