import { describe, it, expect } from 'vitest';
import { FakeClock } from './clock.js';
import { ExponentialRateLimiter, WorkQueue } from './work-queue.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('WorkQueue', () => {
  it('hands out keys in FIFO order and merges duplicates while queued', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.length).toBe(0);
    expect(q.inFlight).toBe(2);
  });

  it('never hands a key out twice at once; a re-add while in flight is queued on done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    expect(first).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0); // dirty, not queued: its worker is still busy

    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await tick();
    expect(second).toBeUndefined();

    q.done('a');
    await tick();
    expect(second).toBe('a'); // once, despite two re-adds
    q.done('a');
    expect(q.length).toBe(0);
    expect(q.inFlight).toBe(0);
  });

  it('run() with concurrency processes different keys in parallel but a key never concurrently', async () => {
    const q = new WorkQueue();
    const active = new Set<string>();
    let maxParallel = 0;
    let overlapped = false;
    const processed: string[] = [];
    const run = q.run(
      async (key) => {
        if (active.has(key)) overlapped = true;
        active.add(key);
        maxParallel = Math.max(maxParallel, active.size);
        await new Promise((r) => setTimeout(r, 5));
        // Re-adding from inside the worker must not start a second copy now.
        if (processed.filter((k) => k === key).length === 0) q.add(key);
        processed.push(key);
        active.delete(key);
      },
      { concurrency: 4 },
    );
    for (const k of ['a', 'b', 'c', 'd', 'a', 'b']) q.add(k);
    await new Promise((r) => setTimeout(r, 80));
    await q.shutdown();
    await run;
    expect(overlapped).toBe(false);
    expect(maxParallel).toBe(4);
    expect(processed.filter((k) => k === 'a')).toHaveLength(2);
    expect(processed.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
  });

  it('addAfter delays by the clock, and the earliest pending delay wins', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 500);
    expect(q.delayedCount).toBe(1);
    clock.advance(49);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    clock.advance(1000);
    expect(q.length).toBe(0); // the superseded delays did not fire again
    expect(clock.pending).toBe(0);
  });

  it('addRateLimited backs off exponentially per key, and forget resets it', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, rateLimiter: new ExponentialRateLimiter({ baseMs: 10, maxMs: 100 }) });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const start = clock.now();
      q.addRateLimited('a');
      let waited = 0;
      while (q.length === 0) {
        clock.advance(1);
        waited++;
      }
      waits.push(waited);
      expect(clock.now() - start).toBe(waited);
      q.done((await q.get())!);
    }
    expect(waits).toEqual([10, 20, 40, 80, 100, 100]);
    expect(q.numRequeues('a')).toBe(6);
    expect(q.numRequeues('b')).toBe(0);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    q.addRateLimited('a');
    clock.advance(9);
    expect(q.delayedCount).toBe(1);
    clock.advance(1);
    expect(q.delayedCount).toBe(0);
  });

  it('shutdown drains queued keys, waits for in-flight ones, then get() returns undefined', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.add('a');
    q.add('b');
    q.addAfter('later', 10);
    const a = await q.get();
    let finished = false;
    const stopped = q.shutdown().then(() => (finished = true));
    q.add('c'); // ignored after shutdown
    expect(clock.pending).toBe(0); // delayed keys dropped
    expect(await q.get()).toBe('b'); // still handed out: draining
    expect(await q.get()).toBeUndefined();
    q.done('b');
    await tick();
    expect(finished).toBe(false); // 'a' is still in flight
    q.done(a!);
    await stopped;
    expect(finished).toBe(true);
  });

  it('shutdown({ drain: false }) drops queued keys and releases idle workers', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toBe('x');
    q.add('y');
    q.add('z');
    const stopped = q.shutdown({ drain: false });
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
    q.done('x');
    await stopped;

    const idle = new WorkQueue();
    const w = idle.get();
    await idle.shutdown();
    expect(await w).toBeUndefined();
  });
});

describe('ExponentialRateLimiter', () => {
  it('defaults to 5 ms doubling, capped at 1000 s', () => {
    const r = new ExponentialRateLimiter();
    expect([r.when('k'), r.when('k'), r.when('k')]).toEqual([5, 10, 20]);
    for (let i = 0; i < 2000; i++) r.when('k');
    expect(r.when('k')).toBe(1_000_000);
  });
});
