/**
 * Client-side request rate limiting: a token bucket with reservations, like Go's `rate.Limiter`
 * that client-go uses. The defaults are deliberately high (1000 QPS, burst 2000): client-go's 5/10
 * is the ceiling that made KubeStellar slow (performance-anchors K8). The bucket only smooths
 * bursts; the server's own limits are what protect it.
 */

/** Something that paces requests. `acquire` resolves when a request may go out. */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  /** Sustained requests per second (default 1000). `Infinity` disables limiting. */
  qps?: number;
  /** Requests allowed at once after idling (default 2000, at least 1). */
  burst?: number;
  /** Milliseconds clock, injectable for tests (default `performance.now`). */
  now?: () => number;
}

export const DEFAULT_QPS = 1000;
export const DEFAULT_BURST = 2000;

export class TokenBucket implements RateLimiter {
  readonly qps: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions = {}) {
    this.qps = options.qps ?? DEFAULT_QPS;
    this.burst = Math.max(1, options.burst ?? DEFAULT_BURST);
    if (!(this.qps > 0)) throw new RangeError(`qps must be positive (got ${this.qps})`);
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
  }

  /**
   * Takes a token now and returns how long (ms) its holder must wait before using it; 0 when one
   * was available. Reservations queue up as a negative balance, which keeps callers in FIFO order.
   */
  reserve(): number {
    if (this.qps === Infinity) return 0;
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.qps) / 1000);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  /** Undoes a reservation whose holder gave up waiting. */
  cancel(): void {
    if (this.qps !== Infinity) this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const wait = this.reserve();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        this.cancel();
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
