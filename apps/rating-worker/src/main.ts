import './tracing';
import { QUEUES } from '@app/contracts';
import { rescoreCpfsWaiting, rescoreOldestWait, runWorker } from '@app/platform';
import { Cpf } from '@app/shared-kernel';
import 'reflect-metadata';
import { PARTITION_PREFETCH, RESCORE_PREFETCH, RatingController } from './rating.controller';
import { RatingWorkerModule } from './rating-worker.module';

runWorker(
  'rating-worker',
  1,
  (config) => RatingWorkerModule.forRoot(config),
  `${QUEUES.regenerateRatings}, ${QUEUES.ratePartition} and ${QUEUES.rescoreConsumers}`,
  {
    prefetchByQueue: { [QUEUES.ratePartition]: PARTITION_PREFETCH, [QUEUES.rescoreConsumers]: RESCORE_PREFETCH },
    // How far ratings lag the data: CPFs this worker holds for re-scoring, how long the oldest has waited, and what
    // waits in the broker.
    status: async (app, server) => {
      const held = server.held(QUEUES.rescoreConsumers);
      const cpfs = cpfsHeld(held.payloads);
      return {
        rescoring: {
          messagesHeld: held.count,
          cpfsWaiting: cpfs.size,
          oldestWaitMs: held.oldestWaitMs,
          messagesQueued: await server.queued(QUEUES.rescoreConsumers),
          ...app.get(RatingController).rescoreStats,
        },
        partitionsQueued: await server.queued(QUEUES.ratePartition),
      };
    },
    metrics: async (_app, server) => {
      const held = server.held(QUEUES.rescoreConsumers);
      const labels = { queue: QUEUES.rescoreConsumers };
      rescoreCpfsWaiting.set(labels, cpfsHeld(held.payloads).size);
      rescoreOldestWait.set(labels, held.oldestWaitMs / 1000);
    },
  },
);

/** The distinct CPFs of the rescore messages a worker holds. */
function cpfsHeld(payloads: unknown[]): Set<string> {
  const cpfs = payloads.flatMap((p) => (p as { cpfs?: string[] }).cpfs ?? []);
  return new Set(cpfs.map((c) => Cpf.tryParse(c)?.value ?? c));
}
