import { FixedClock } from '@app/shared-kernel';
import { RecordingCommandSender } from '../../../../testing/src/adapters/recording-command-sender';
import { InMemoryRatingJobRepository } from '../../infrastructure/embedded/in-memory-rating-job.repository';
import { RatingJob } from '../ports/rating-job.repository';
import { ResumeRatingRegenerationCommand, ResumeRatingRegenerationHandler, STALE_JOB_MS } from './resume-rating-regeneration.handler';

const NOW = new Date('2026-11-25T12:00:00Z');
const job = (status: RatingJob['status'], updatedMsAgo: number): RatingJob => ({
  id: `job-${status}-${updatedMsAgo}`, scope: { kind: 'ALL' }, status, total: 10, processed: 4, failed: 0, cursor: '11144477735', ratingsPerSecond: 3,
  createdAt: NOW, updatedAt: new Date(NOW.getTime() - updatedMsAgo), finishedAt: null, error: status === 'FAILED' ? 'boom' : null,
});

describe('ResumeRatingRegenerationHandler', () => {
  let jobs: InMemoryRatingJobRepository;
  let sender: RecordingCommandSender;
  let handler: ResumeRatingRegenerationHandler;
  const resume = (id: string) => handler.execute(new ResumeRatingRegenerationCommand(id, { correlationId: 'c' }));

  beforeEach(() => {
    jobs = new InMemoryRatingJobRepository();
    sender = new RecordingCommandSender();
    handler = new ResumeRatingRegenerationHandler(jobs, sender, new FixedClock(NOW));
  });

  it('sends a failed job back to the worker, which continues after its cursor', async () => {
    const failed = job('FAILED', 1_000);
    await jobs.create(failed);
    await resume(failed.id);
    expect(sender.regenerations.map((c) => c.jobId)).toEqual([failed.id]);
  });

  it('resumes a running job whose worker stopped reporting progress', async () => {
    const abandoned = job('RUNNING', STALE_JOB_MS + 1);
    await jobs.create(abandoned);
    await resume(abandoned.id);
    expect(sender.regenerations).toHaveLength(1);
  });

  it('refuses to start a second runner on a job that is progressing, and to resume a completed one', async () => {
    const active = job('RUNNING', 5_000);
    const done = job('COMPLETED', 5_000);
    await jobs.create(active);
    await jobs.create(done);
    await expect(resume(active.id)).rejects.toMatchObject({ code: 'JOB_ACTIVE' });
    await expect(resume(done.id)).rejects.toMatchObject({ code: 'JOB_COMPLETED' });
    await expect(resume('missing')).rejects.toMatchObject({ code: 'RATING_JOB_NOT_FOUND' });
    expect(sender.regenerations).toEqual([]);
  });
});
