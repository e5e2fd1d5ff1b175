import { describe, it, expect } from 'vitest';
import { Controller, terminalError, type ReconcileContext, type Result } from './controller.js';
import { ExponentialRateLimiter, WorkQueue } from './work-queue.js';

const fastQueue = () => new WorkQueue({ rateLimiter: new ExponentialRateLimiter({ baseMs: 1, maxMs: 20 }) });
const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('Controller', () => {
  it('retries failures with growing backoff until success, then forgets the failures', async () => {
    const seen: Array<{ key: string; retries: number }> = [];
    const c = new Controller({
      name: 'test',
      queue: fastQueue(),
      reconcile: async (key, ctx) => {
        seen.push({ key, retries: ctx.retries });
        if (seen.length < 4) throw new Error('not yet');
      },
    });
    const ac = new AbortController();
    const run = c.start(ac.signal);
    c.enqueue('ns/a');
    await until(() => seen.length === 4);
    expect(seen.map((s) => s.retries)).toEqual([0, 1, 2, 3]);
    await until(() => c.queue.numRequeues('ns/a') === 0);
    ac.abort();
    await run;
  });

  it('does not retry terminal errors; requeueAfter re-runs later; requeue retries', async () => {
    const calls = new Map<string, number>();
    const c = new Controller({
      name: 'test',
      queue: fastQueue(),
      reconcile: async (key): Promise<Result | void> => {
        const n = (calls.get(key) ?? 0) + 1;
        calls.set(key, n);
        if (key === 'terminal') throw terminalError(new Error('bad spec'));
        if (key === 'later' && n === 1) return { requeueAfterMs: 30 };
        if (key === 'again' && n < 3) return { requeue: true };
      },
    });
    const ac = new AbortController();
    const run = c.start(ac.signal);
    const t0 = Date.now();
    for (const k of ['terminal', 'later', 'again']) c.enqueue(k);
    await until(() => calls.get('later') === 2 && calls.get('again') === 3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.get('terminal')).toBe(1);
    expect(calls.get('later')).toBe(2);
    expect(calls.get('again')).toBe(3);
    expect(c.queue.numRequeues('terminal')).toBe(0);
    ac.abort();
    await run;
  });

  it('runs different keys concurrently, never one key twice, and stops after in-flight work ends', async () => {
    const active = new Set<string>();
    let max = 0;
    let overlap = false;
    let sawAbort = false;
    const c = new Controller({
      name: 'test',
      concurrency: 3,
      reconcile: async (key: string, ctx: ReconcileContext) => {
        if (active.has(key)) overlap = true;
        active.add(key);
        max = Math.max(max, active.size);
        await new Promise((r) => setTimeout(r, 20));
        if (ctx.signal.aborted) sawAbort = true;
        active.delete(key);
      },
    });
    const ac = new AbortController();
    const run = c.start(ac.signal);
    for (const k of ['a', 'b', 'c', 'd']) c.enqueue(k);
    await new Promise((r) => setTimeout(r, 5));
    c.enqueue('a'); // in flight: becomes dirty, runs again later, never alongside itself
    await until(() => max === 3);
    ac.abort();
    await run;
    expect(active.size).toBe(0);
    expect(overlap).toBe(false);
    expect(sawAbort).toBe(true);
    await expect(c.start(new AbortController().signal)).rejects.toThrow(/already started/);
  });
});
