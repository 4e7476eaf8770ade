import { setTimeout as sleep } from 'node:timers/promises';
import { CoalescedRefresh } from './coalesced-refresh';

/**
 * The action is a real asynchronous function whose runs the test ends by hand (or after a real timer), and which
 * records when each run started and ended relative to the callers: no fake timers, no mocked module.
 */
class ManualAction {
  readonly log: string[] = [];
  running = 0;
  maxRunning = 0;
  private pending: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  readonly run = (): Promise<void> => {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.log.push(`start ${this.log.filter((l) => l.startsWith('start')).length + 1}`);
    return new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject })).finally(() => {
      this.running -= 1;
    });
  };

  /** Ends the oldest run still going, then lets every reaction to it settle. */
  async finish(error?: Error): Promise<void> {
    const run = this.pending.shift();
    if (!run) throw new Error('no run in flight');
    if (error) run.reject(error);
    else run.resolve();
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Resolution state of a promise without awaiting it. */
function track<T>(p: Promise<T>): { done: boolean; failed: unknown } {
  const state = { done: false, failed: undefined as unknown };
  p.then(
    () => (state.done = true),
    (e: unknown) => {
      state.done = true;
      state.failed = e;
    },
  );
  return state;
}

describe('CoalescedRefresh', () => {
  it('runs the action once for a lone caller and resolves when that run ends', async () => {
    const action = new ManualAction();
    const refresh = new CoalescedRefresh(action.run);
    const caller = track(refresh.request());
    await flush();
    expect(action.log).toEqual(['start 1']);
    expect(caller.done).toBe(false);
    await action.finish();
    expect(caller.done).toBe(true);
    expect(refresh.started).toBe(1);
  });

  it('makes callers that arrive during a run wait for the next run, which all of them share', async () => {
    const action = new ManualAction();
    const refresh = new CoalescedRefresh(action.run);
    const first = track(refresh.request());
    // Ten writers finish their bulk while the first refresh is running: it may predate their writes.
    const later = Array.from({ length: 10 }, () => track(refresh.request()));
    await flush();
    expect(action.log).toEqual(['start 1']);

    await action.finish();
    expect(first.done).toBe(true);
    expect(later.every((c) => !c.done)).toBe(true);
    expect(action.log).toEqual(['start 1', 'start 2']);

    await action.finish();
    expect(later.every((c) => c.done && c.failed === undefined)).toBe(true);
    expect(refresh.started).toBe(2);
    expect(action.maxRunning).toBe(1);
  });

  it('starts nothing after a run when nobody asked during it, and starts afresh on the next call', async () => {
    const action = new ManualAction();
    const refresh = new CoalescedRefresh(action.run);
    const a = track(refresh.request());
    await action.finish();
    expect(a.done).toBe(true);
    expect(refresh.started).toBe(1);
    const b = track(refresh.request());
    await flush();
    expect(refresh.started).toBe(2);
    await action.finish();
    expect(b.done).toBe(true);
  });

  it('rejects exactly the callers of a failed run; the callers of the next run are unaffected', async () => {
    const action = new ManualAction();
    const refresh = new CoalescedRefresh(action.run);
    const first = track(refresh.request());
    const second = track(refresh.request());
    await action.finish(new Error('node unavailable'));
    expect(first.failed).toEqual(new Error('node unavailable'));
    expect(second.done).toBe(false);
    await action.finish();
    expect(second).toEqual({ done: true, failed: undefined });
    const third = track(refresh.request());
    await action.finish(new Error('again'));
    expect(third.failed).toEqual(new Error('again'));
    const fourth = track(refresh.request());
    await action.finish();
    expect(fourth).toEqual({ done: true, failed: undefined });
  });

  it('turns an action that throws synchronously into a rejection, and stays usable', async () => {
    let calls = 0;
    const refresh = new CoalescedRefresh(() => {
      calls += 1;
      if (calls === 1) throw new Error('sync');
      return Promise.resolve();
    });
    await expect(refresh.request()).rejects.toThrow('sync');
    await expect(refresh.request()).resolves.toBeUndefined();
  });

  it('under many concurrent callers on real timers: one run at a time, each caller served by a run that started after it asked, far fewer runs than calls', async () => {
    let running = 0;
    let maxRunning = 0;
    let clock = 0;
    const runStarts: number[] = [];
    const runEnds: number[] = [];
    const refresh = new CoalescedRefresh(async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      runStarts.push(++clock);
      await sleep(5 + (runStarts.length % 3) * 3);
      runEnds.push(++clock);
      running -= 1;
    });
    const served: Array<{ askedAt: number; doneAt: number }> = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        for (let round = 0; round < 5; round++) {
          await sleep((i * 7 + round * 3) % 11);
          const askedAt = ++clock;
          await refresh.request();
          served.push({ askedAt, doneAt: ++clock });
        }
      }),
    );
    expect(served).toHaveLength(200);
    expect(maxRunning).toBe(1);
    // A caller returns only after some run both started after it asked and ended before it returned.
    for (const { askedAt, doneAt } of served) {
      expect(runStarts.some((s, k) => s > askedAt && runEnds[k]! < doneAt)).toBe(true);
    }
    expect(refresh.started).toBe(runStarts.length);
    expect(refresh.started).toBeLessThan(100);
  });
});
