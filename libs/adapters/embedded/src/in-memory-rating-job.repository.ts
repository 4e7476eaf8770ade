import { Injectable } from '@nestjs/common';
import { PartitionRun, RatingJobRecord, RatingJobRepository } from '@app/credit-application';

const key = (run: Pick<PartitionRun, 'jobId' | 'index' | 'attempt'>): string =>
  `${run.jobId}:${run.index}:${run.attempt}`;

/** Stores copies, so a caller changing an object it wrote or read changes nothing stored. */
@Injectable()
export class InMemoryRatingJobRepository extends RatingJobRepository {
  private readonly jobs = new Map<string, RatingJobRecord>();
  private readonly runs = new Map<string, PartitionRun>();

  async create(job: RatingJobRecord): Promise<boolean> {
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, structuredClone(job));
    return true;
  }

  async findById(id: string): Promise<RatingJobRecord | null> {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : null;
  }

  async runsOf(jobId: string): Promise<PartitionRun[]> {
    return [...this.runs.values()].filter((r) => r.jobId === jobId).map((r) => structuredClone(r));
  }

  async runsOfPartition(jobId: string, index: number): Promise<PartitionRun[]> {
    return (await this.runsOf(jobId)).filter((r) => r.index === index);
  }

  async startRun(run: PartitionRun): Promise<boolean> {
    if (this.runs.has(key(run))) return false;
    this.runs.set(key(run), structuredClone(run));
    return true;
  }

  async updateRun(run: PartitionRun): Promise<void> {
    this.runs.set(key(run), structuredClone(run));
  }
}
