import type { Logger } from 'pino';

/**
 * Background work the server does itself (namespace and CRD cleanup): keyed tasks, de-duplicated
 * while queued, retried with capped backoff until they report done.
 */
export class TaskRunner {
  private timers = new Map<string, NodeJS.Timeout>();
  private attempts = new Map<string, number>();
  private running = new Set<string>();
  private rerun = new Set<string>();
  private stopped = false;

  constructor(private readonly log: Logger) {}

  /** Run `fn` for `key` soon. `fn` resolves true when finished, false to be retried later. */
  schedule(key: string, fn: () => Promise<boolean>, delayMs = 0): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.rerun.add(key);
      return;
    }
    if (this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      void this.run(key, fn);
    }, delayMs);
    t.unref?.();
    this.timers.set(key, t);
  }

  private async run(key: string, fn: () => Promise<boolean>): Promise<void> {
    this.running.add(key);
    let done = false;
    try {
      done = await fn();
    } catch (e) {
      this.log.warn({ task: key, err: (e as Error).message }, 'background task failed; will retry');
    } finally {
      this.running.delete(key);
    }
    if (this.stopped) return;
    if (done && !this.rerun.has(key)) {
      this.attempts.delete(key);
      return;
    }
    this.rerun.delete(key);
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.schedule(key, fn, done ? 0 : Math.min(50 * 2 ** Math.min(n, 5), 1000));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
