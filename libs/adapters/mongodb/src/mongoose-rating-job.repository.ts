import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { PartitionRun, RatingJobRecord, RatingJobRepository } from '@app/credit-application';
import { isDuplicateKey } from './duplicate-key';
import {
  PARTITION_RUN_COLLECTION,
  PartitionRunDoc,
  RATING_JOB_COLLECTION,
  RatingJobDoc,
} from './rating-job.mongoose-schema';

const runId = (jobId: string, index: number, attempt: number): string => `${jobId}:${index}:${attempt}`;

/**
 * Jobs and partition runs. A job is written once; a run is inserted by the worker that starts it (its id is unique per
 * attempt, which is what makes taking over a partition safe without transactions) and then replaced only by it.
 */
type Collection<T extends mongo.Document> = mongo.Collection<T>;

@Injectable()
export class MongooseRatingJobRepository extends RatingJobRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {
    super();
  }

  private get jobs(): Collection<RatingJobDoc> {
    return this.connection.db!.collection<RatingJobDoc>(RATING_JOB_COLLECTION);
  }

  private get runs(): Collection<PartitionRunDoc> {
    return this.connection.db!.collection<PartitionRunDoc>(PARTITION_RUN_COLLECTION);
  }

  async create(job: RatingJobRecord): Promise<boolean> {
    const scope =
      job.scope.kind === 'CPFS' ? { kind: 'CPFS' as const, cpfs: [...job.scope.cpfs] } : { kind: job.scope.kind };
    try {
      await this.jobs.insertOne({
        _id: job.id,
        scope,
        modelVersion: job.modelVersion,
        plan: { ...job.plan },
        createdAt: job.createdAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<RatingJobRecord | null> {
    const doc = await this.jobs.findOne({ _id: id });
    if (!doc) return null;
    const scope =
      doc.scope.kind === 'CPFS'
        ? { kind: 'CPFS' as const, cpfs: [...(doc.scope.cpfs ?? [])] }
        : { kind: doc.scope.kind };
    return { id: doc._id, scope, modelVersion: doc.modelVersion, plan: { ...doc.plan }, createdAt: doc.createdAt };
  }

  async runsOf(jobId: string): Promise<PartitionRun[]> {
    return (await this.runs.find({ jobId }).toArray()).map(toRun);
  }

  async runsOfPartition(jobId: string, index: number): Promise<PartitionRun[]> {
    return (await this.runs.find({ jobId, index }).toArray()).map(toRun);
  }

  async startRun(run: PartitionRun): Promise<boolean> {
    try {
      await this.runs.insertOne(toDoc(run));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async updateRun(run: PartitionRun): Promise<void> {
    const doc = toDoc(run);
    await this.runs.replaceOne({ _id: doc._id }, doc);
  }
}

function toDoc(run: PartitionRun): PartitionRunDoc {
  return {
    _id: runId(run.jobId, run.index, run.attempt),
    jobId: run.jobId,
    index: run.index,
    attempt: run.attempt,
    worker: run.worker,
    status: run.status,
    startedAt: run.startedAt,
    heartbeatAt: run.heartbeatAt,
    finishedAt: run.finishedAt,
    progress: JSON.stringify({ counts: run.counts, bandMoves: run.bandMoves }),
    error: run.error,
  };
}

function toRun(doc: PartitionRunDoc): PartitionRun {
  const { counts, bandMoves } = JSON.parse(doc.progress) as Pick<PartitionRun, 'counts' | 'bandMoves'>;
  return {
    jobId: doc.jobId,
    index: doc.index,
    attempt: doc.attempt,
    worker: doc.worker,
    status: doc.status,
    startedAt: doc.startedAt,
    heartbeatAt: doc.heartbeatAt,
    finishedAt: doc.finishedAt ?? null,
    counts,
    bandMoves,
    error: doc.error ?? null,
  };
}
