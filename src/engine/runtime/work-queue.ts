/**
 * A work queue of string keys with client-go's semantics:
 * - a key is queued at most once (adds while queued are merged);
 * - a key is never handed to two workers at once: re-added while in flight, it is marked dirty
 *   and queued again when its worker calls `done`;
 * - `addAfter` delays an add (the earliest pending delay wins); `addRateLimited` delays by the
 *   key's exponential backoff, which `forget` resets;
 * - `shutdown` stops new adds and resolves once the workers are finished.
 * It holds keys only, never object snapshots: workers read current state when they run.
 */
import { realClock, type Clock } from './clock.js';

/** Per-key retry delays. */
export interface QueueRateLimiter {
  /** The delay (ms) before the key's next retry; counts one more failure. */
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

export interface ExponentialOptions {
  /** First retry delay (ms, default 5). */
  baseMs?: number;
  /** Cap (ms, default 1000 s, as controller-runtime). */
  maxMs?: number;
}

/** base * 2^failures, capped: 5 ms, 10 ms, 20 ms, ... up to 1000 s by default. */
export class ExponentialRateLimiter implements QueueRateLimiter {
  private failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(o: ExponentialOptions = {}) {
    this.baseMs = o.baseMs ?? 5;
    this.maxMs = o.maxMs ?? 1_000_000;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long after the cap; min() keeps it finite.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface WorkQueueOptions {
  /** For logs. */
  name?: string;
  rateLimiter?: QueueRateLimiter;
  clock?: Clock;
}

export class WorkQueue {
  readonly name: string;
  private readonly limiter: QueueRateLimiter;
  private readonly clock: Clock;
  /** FIFO of keys ready to be handed out; `head` avoids O(n) shifts. */
  private queue: string[] = [];
  private head = 0;
  /** Keys that need processing: queued, or re-added while in flight. */
  private dirty = new Set<string>();
  private processing = new Set<string>();
  private delayed = new Map<string, { at: number; handle: unknown }>();
  private waiters: Array<(key: string | undefined) => void> = [];
  private stopping = false;
  private idleWaiters: Array<() => void> = [];

  constructor(o: WorkQueueOptions = {}) {
    this.name = o.name ?? 'queue';
    this.limiter = o.rateLimiter ?? new ExponentialRateLimiter();
    this.clock = o.clock ?? realClock;
  }

  /** Queues `key` unless it is already queued. Ignored after shutdown. */
  add(key: string): void {
    if (this.stopping || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Queues `key` after `ms`. An earlier pending delay for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopping) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const prev = this.delayed.get(key);
    if (prev) {
      if (prev.at <= at) return;
      this.clock.clearTimeout(prev.handle);
    }
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, handle });
  }

  /** Queues `key` after its backoff delay and counts a failure. */
  addRateLimited(key: string): void {
    if (this.stopping) return;
    this.addAfter(key, this.limiter.when(key));
  }

  /** Clears `key`'s failure count (its next `addRateLimited` waits the base delay). */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /**
   * The next key, waiting for one if needed; the caller must call `done(key)` when finished.
   * Resolves undefined once the queue is shut down and has nothing more to hand out.
   */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.stopping) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` as processed; if it was re-added meanwhile, it is queued again. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) {
      if (this.stopping) this.dirty.delete(key);
      else this.push(key);
    }
    if (this.stopping && this.processing.size === 0 && this.readyCount === 0) this.notifyIdle();
  }

  /** Keys ready to be handed out (not in flight, not delayed). */
  get length(): number {
    return this.readyCount;
  }

  /** Keys currently handed to workers. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Keys waiting for a delay (`addAfter`, `addRateLimited`). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /**
   * Stops accepting adds and drops delayed keys. With `drain` (default true) keys already queued
   * are still handed out; without it they are dropped. Resolves when no key is queued or in flight.
   */
  shutdown(o: { drain?: boolean } = {}): Promise<void> {
    this.stopping = true;
    for (const d of this.delayed.values()) this.clock.clearTimeout(d.handle);
    this.delayed.clear();
    if (o.drain === false) {
      for (let i = this.head; i < this.queue.length; i++) this.dirty.delete(this.queue[i]);
      this.queue = [];
      this.head = 0;
    }
    if (this.readyCount === 0) for (const w of this.waiters.splice(0)) w(undefined);
    if (this.processing.size === 0 && this.readyCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs `worker` on keys with up to `concurrency` keys at once, until shutdown. The worker's
   * own errors are passed to `onError` (the key is marked done either way).
   */
  async run(
    worker: (key: string) => Promise<void>,
    o: { concurrency?: number; onError?: (key: string, err: unknown) => void } = {},
  ): Promise<void> {
    const loop = async () => {
      for (;;) {
        const key = await this.get();
        if (key === undefined) return;
        try {
          await worker(key);
        } catch (e) {
          o.onError?.(key, e);
        } finally {
          this.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, loop));
  }

  private get readyCount(): number {
    return this.queue.length - this.head;
  }

  private push(key: string): void {
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
      return;
    }
    this.queue.push(key);
  }

  private take(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    if (this.stopping && this.readyCount === 0) for (const w of this.waiters.splice(0)) w(undefined);
    return key;
  }

  private notifyIdle(): void {
    for (const r of this.idleWaiters.splice(0)) r();
  }
}
