import { RatingCounts } from '@app/credit-application';
import { metricsEnabled, ratingPartitionDuration, ratingPartitions, ratingsProcessed } from '@app/platform';

/** What asked for ratings: a regeneration job's partition, or changed data (rescore). */
type RatingTrigger = 'job' | 'rescore';

const OUTCOMES: [keyof RatingCounts, string][] = [
  ['rated', 'rated'],
  ['unchanged', 'unchanged'],
  ['noData', 'no_data'],
  ['failed', 'failed'],
];

/** Adds what a run of the rating engine counted; rate(credit_ratings_processed_total) is ratings per second. */
export function recordRatings(trigger: RatingTrigger, counts: RatingCounts): void {
  if (!metricsEnabled()) return;
  for (const [field, outcome] of OUTCOMES) {
    if (counts[field] > 0) ratingsProcessed.inc({ trigger, outcome }, counts[field]);
  }
}

/** Times one partition and counts how it ended: rated here, left to another worker (null), or failed. */
export async function measurePartition(rate: () => Promise<RatingCounts | null>): Promise<void> {
  const startedAt = performance.now();
  try {
    const counts = await rate();
    if (counts) recordRatings('job', counts);
    if (metricsEnabled()) ratingPartitions.inc({ outcome: counts ? 'completed' : 'skipped' });
  } catch (error) {
    if (metricsEnabled()) ratingPartitions.inc({ outcome: 'failed' });
    throw error;
  } finally {
    if (metricsEnabled()) ratingPartitionDuration.observe((performance.now() - startedAt) / 1000);
  }
}
