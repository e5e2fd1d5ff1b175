import { describe, it, expect } from 'vitest';
import { TokenBucket, DEFAULT_QPS, DEFAULT_BURST } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('defaults to a high ceiling (1000 QPS, burst 2000), not client-go 5/10', () => {
    const b = new TokenBucket();
    expect([b.qps, b.burst]).toEqual([DEFAULT_QPS, DEFAULT_BURST]);
    expect([DEFAULT_QPS, DEFAULT_BURST]).toEqual([1000, 2000]);
  });

  it('lets a burst through, then spaces reservations at 1/qps in FIFO order', () => {
    let t = 0;
    const b = new TokenBucket({ qps: 10, burst: 3, now: () => t });
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    // Empty: the next callers wait 100 ms, 200 ms, 300 ms.
    expect(b.reserve()).toBeCloseTo(100);
    expect(b.reserve()).toBeCloseTo(200);
    expect(b.reserve()).toBeCloseTo(300);
    // Tokens refill with time (the three reservations are paid back first).
    t += 400;
    expect(b.reserve()).toBeCloseTo(0);
    expect(b.reserve()).toBeCloseTo(100);
  });

  it('never stores more than the burst after idling', () => {
    let t = 0;
    const b = new TokenBucket({ qps: 100, burst: 2, now: () => t });
    t += 60_000;
    expect([b.reserve(), b.reserve()]).toEqual([0, 0]);
    expect(b.reserve()).toBeCloseTo(10);
  });

  it('cancel returns a reservation, so the next caller does not wait for it', () => {
    const t = 0;
    const b = new TokenBucket({ qps: 10, burst: 1, now: () => t });
    b.reserve();
    expect(b.reserve()).toBeCloseTo(100);
    b.cancel();
    expect(b.reserve()).toBeCloseTo(100);
  });

  it('acquire waits in real time and can be aborted', async () => {
    const b = new TokenBucket({ qps: 50, burst: 1 });
    await b.acquire();
    const t0 = performance.now();
    await b.acquire();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);

    const ac = new AbortController();
    const p = b.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });

  it('Infinity disables limiting; non-positive qps is refused', () => {
    const b = new TokenBucket({ qps: Infinity, burst: 1 });
    for (let i = 0; i < 10_000; i++) expect(b.reserve()).toBe(0);
    expect(() => new TokenBucket({ qps: 0 })).toThrow(/positive/);
  });
});
