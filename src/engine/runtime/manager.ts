/**
 * The Manager runs Runnables the way controller-runtime's does:
 * 1. runnables that need no leadership (informers, caches) start at once;
 * 2. once they have all synced, leader election runs (when configured);
 * 3. while leading, the leader runnables (controllers) run.
 * On abort it stops controllers first, releases the lease, then stops caches, and resolves.
 * Losing leadership is fatal, as in controller-runtime: everything stops and `start` rejects
 * with LeaderElectionLostError, leaving the host to exit or build a new Manager.
 */
import pino, { type Logger } from 'pino';
import { LeaderElector, type LeaderElectorOptions } from './leader-elector.js';

/** Anything with a lifetime bound to a signal. */
export interface Runnable {
  /** Runs until `signal` aborts; resolves once stopped. */
  start(signal: AbortSignal): Promise<void>;
  /** Whether it may only run on the leader (default true, as controller-runtime). */
  needLeaderElection?: boolean;
  /** For caches: resolves true when ready to be read. */
  waitForSync?(signal?: AbortSignal): Promise<boolean>;
}

export interface ManagerOptions {
  log?: Logger;
  /** Elect a leader before running leader runnables (omit when there is a single replica). */
  leaderElection?: Omit<LeaderElectorOptions, 'log'>;
}

export class LeaderElectionLostError extends Error {
  override readonly name = 'LeaderElectionLostError';
}

export class Manager {
  private readonly runnables: Runnable[] = [];
  private readonly log: Logger;
  private readonly elector?: LeaderElector;
  private started = false;
  private readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.readyResolve = r));

  constructor(o: ManagerOptions = {}) {
    this.log = o.log ?? pino({ level: 'silent' });
    if (o.leaderElection) this.elector = new LeaderElector({ ...o.leaderElection, log: this.log });
  }

  add(r: Runnable): this {
    if (this.started) throw new Error('runnables must be added before the manager starts');
    this.runnables.push(r);
    return this;
  }

  /** Resolves once caches have synced and the leader runnables are running. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.started;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error('manager already started');
    this.started = true;
    const caches = this.runnables.filter((r) => r.needLeaderElection === false);
    const leaders = this.runnables.filter((r) => r.needLeaderElection !== false);

    // Any runnable failing brings the whole manager down.
    const stopAll = new AbortController();
    let failure: unknown;
    const fail = (err: unknown) => {
      if (failure === undefined) failure = err;
      stopAll.abort();
    };
    const onAbort = () => stopAll.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) stopAll.abort();

    const cacheSignal = new AbortController();
    const cacheRuns = caches.map((r) => this.run(r, cacheSignal.signal, fail));
    try {
      const synced = await Promise.all(caches.map((r) => r.waitForSync?.(stopAll.signal) ?? true));
      if (!stopAll.signal.aborted && synced.every(Boolean)) {
        this.log.debug('caches synced');
        if (this.elector) {
          let lost = false;
          await this.elector.run(
            {
              onStartedLeading: (lead) => this.runLeaders(leaders, lead, fail),
              onStoppedLeading: () => (lost = !stopAll.signal.aborted),
            },
            stopAll.signal,
          );
          if (lost && failure === undefined) fail(new LeaderElectionLostError('leader election lost'));
        } else {
          await this.runLeaders(leaders, stopAll.signal, fail);
        }
      }
    } finally {
      stopAll.abort();
      cacheSignal.abort();
      await Promise.all(cacheRuns);
      signal.removeEventListener('abort', onAbort);
    }
    if (failure !== undefined) throw failure;
  }

  private async runLeaders(
    leaders: Runnable[],
    signal: AbortSignal,
    fail: (e: unknown) => void,
  ): Promise<void> {
    const runs = leaders.map((r) => this.run(r, signal, fail));
    this.readyResolve();
    await Promise.all(runs);
  }

  /** Runs one runnable; a rejection that is not the result of stopping is a failure. */
  private run(r: Runnable, signal: AbortSignal, fail: (e: unknown) => void): Promise<void> {
    return Promise.resolve()
      .then(() => r.start(signal))
      .catch((err) => {
        if (signal.aborted) return;
        this.log.error({ err }, 'runnable failed');
        fail(err);
      });
  }
}
