import { Injectable } from '@nestjs/common';
import { RatingJob, RatingJobRepository } from '../../application/ports/rating-job.repository';

@Injectable()
export class InMemoryRatingJobRepository extends RatingJobRepository {
  private readonly jobs = new Map<string, RatingJob>();

  async create(job: RatingJob): Promise<void> {
    this.jobs.set(job.id, structuredClone(job));
  }

  async update(job: RatingJob): Promise<void> {
    this.jobs.set(job.id, structuredClone(job));
  }

  async findById(id: string): Promise<RatingJob | null> {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : null;
  }

  async unfinished(): Promise<RatingJob[]> {
    return [...this.jobs.values()].filter((j) => j.status === 'PENDING' || j.status === 'RUNNING').map((j) => structuredClone(j));
  }
}
