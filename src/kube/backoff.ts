/** Retry pacing shared by the watch loop and the leader elector. */

export interface BackoffOptions {
  /** First delay (ms, default 100). */
  initialMs?: number;
  /** Cap (ms, default 30 s). */
  maxMs?: number;
  /** Growth per failure (default 2). */
  factor?: number;
  /** Random spread, as a fraction of the delay (default 0.2: ±10%). */
  jitter?: number;
}

/** Exponential backoff: `next()` gives the delay after one more failure; `reset()` after success. */
export class Backoff {
  private failures = 0;
  constructor(private readonly o: BackoffOptions = {}) {}

  next(): number {
    const base = Math.min(
      this.o.maxMs ?? 30_000,
      (this.o.initialMs ?? 100) * (this.o.factor ?? 2) ** this.failures,
    );
    this.failures++;
    const jitter = this.o.jitter ?? 0.2;
    return Math.round(base * (1 - jitter / 2 + Math.random() * jitter));
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
