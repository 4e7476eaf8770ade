/** A start-up over this long says what it spent the time on; under it, one ready line is enough. */
const SLOW_START_MS = 10_000;

/**
 * Times the steps of a start-up from the moment the process began (loading the code counts too), so that a slow start
 * names what it waited for: a server slow to accept connections, demo data, the code itself on a busy machine.
 */
export class StartupTimer {
  private readonly steps: { label: string; ms: number }[] = [];

  /** `now` is a clock whose zero is the process's start, as performance.now() is; tests pass their own. */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.steps.push({ label: 'loading the code', ms: now() });
  }

  async step<T>(label: string, run: () => Promise<T>): Promise<T> {
    const start = this.now();
    try {
      return await run();
    } finally {
      this.steps.push({ label, ms: this.now() - start });
    }
  }

  /** "ready in 2.1 s", or, past SLOW_START_MS, what it waited for, longest first. */
  summary(): string {
    const total = this.now();
    const ready = `ready in ${(total / 1000).toFixed(1)} s`;
    if (total < SLOW_START_MS) return ready;
    const waits = [...this.steps]
      .sort((a, b) => b.ms - a.ms)
      .filter((s) => s.ms >= 100)
      .map((s) => `${(s.ms / 1000).toFixed(1)} s ${s.label}`);
    return `${ready}, over ${SLOW_START_MS / 1000} s: waited ${waits.join(', ')}`;
  }
}
