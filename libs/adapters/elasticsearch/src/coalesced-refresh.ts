/**
 * Runs an action (an index `_refresh`) on behalf of many concurrent callers, at most one run at a time.
 *
 * A caller needs a run that *starts after* it asked: a refresh already in flight may have begun before the caller's
 * writes and so need not show them. Hence a caller that arrives while a run is in flight waits for the next run,
 * and every caller arriving during the same run shares that next one. With N writers in flight, the action runs about
 * once per its own duration instead of N times, and each caller waits at most two runs.
 *
 * A failed run rejects exactly the callers that were waiting for it; the next call starts afresh.
 */
export class CoalescedRefresh {
  private inFlight: Promise<void> | null = null;
  private next: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;
  private runs = 0;

  constructor(private readonly action: () => Promise<unknown>) {}

  /** How many times the action has been started: what coalescing saves is visible from outside. */
  get started(): number {
    return this.runs;
  }

  /** Resolves once a run of the action that started after this call has finished; rejects if that run failed. */
  request(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.launch();
      return this.inFlight;
    }
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    return this.next.promise;
  }

  private launch(): Promise<void> {
    this.runs += 1;
    let run: Promise<void>;
    try {
      run = Promise.resolve(this.action()).then(() => undefined);
    } catch (error) {
      run = Promise.reject(error);
    }
    // Hand over in the same reaction that ends this run, so no caller can slip a second concurrent run in between.
    run.then(
      () => this.settled(),
      () => this.settled(),
    );
    return run;
  }

  private settled(): void {
    const waiting = this.next;
    this.next = null;
    if (!waiting) {
      this.inFlight = null;
      return;
    }
    this.inFlight = this.launch();
    this.inFlight.then(waiting.resolve, waiting.reject);
  }
}
