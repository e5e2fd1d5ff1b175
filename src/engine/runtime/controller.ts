/**
 * A level-based reconcile loop with controller-runtime's contract: keys come off a WorkQueue,
 * `reconcile(key)` brings the world in line with the desired state read fresh from caches, and the
 * outcome decides what happens to the key:
 * - throws                    -> rate-limited retry (per-key exponential backoff);
 * - throws a terminalError    -> logged, forgotten, no retry;
 * - `{ requeueAfterMs }`      -> failures forgotten, key queued again after that delay;
 * - `{ requeue: true }`       -> rate-limited retry without an error;
 * - anything else             -> failures forgotten.
 * The same key is never reconciled twice at once; different keys run up to `concurrency` at once.
 */
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { WorkQueue } from './work-queue.js';

export interface Result {
  /** Retry with backoff, as if failed but without logging an error. */
  requeue?: boolean;
  /** Reconcile again after this many ms (resets the backoff). */
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  /** Aborted when the controller stops. */
  signal: AbortSignal;
  /** Carries `{controller, key, reconcileId}`. */
  log: Logger;
  reconcileId: string;
  /** Failures of this key so far (0 on a first or successful-since attempt). */
  retries: number;
}

export type ReconcileFn = (key: string, ctx: ReconcileContext) => Promise<Result | void>;

/** An error that retrying cannot fix: logged, and the key is forgotten. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/** Wraps `cause` so the controller does not retry it. */
export function terminalError(cause: unknown, message?: string): TerminalError {
  return new TerminalError(message ?? (cause instanceof Error ? cause.message : String(cause)), { cause });
}

export interface ControllerOptions {
  name: string;
  reconcile: ReconcileFn;
  /** Defaults to a new WorkQueue named after the controller. */
  queue?: WorkQueue;
  /** Keys reconciled at once (default 1). */
  concurrency?: number;
  log?: Logger;
  /** Runs only on the elected leader (default true). */
  needLeaderElection?: boolean;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly needLeaderElection: boolean;
  private readonly log: Logger;
  private started = false;

  constructor(private readonly o: ControllerOptions) {
    this.name = o.name;
    this.queue = o.queue ?? new WorkQueue({ name: o.name });
    this.needLeaderElection = o.needLeaderElection ?? true;
    this.log = (o.log ?? pino({ level: 'silent' })).child({ controller: o.name });
  }

  /** Queues a key (usable before start: keys wait for the workers). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /**
   * Runs the workers until `signal` aborts, then drops queued keys, lets in-flight reconciles
   * finish (they see the aborted signal) and resolves.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`controller ${this.name} already started`);
    this.started = true;
    const onAbort = () => void this.queue.shutdown({ drain: false });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    this.log.info({ concurrency: this.o.concurrency ?? 1 }, 'starting workers');
    try {
      await this.queue.run((key) => this.handle(key, signal), { concurrency: this.o.concurrency ?? 1 });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    this.log.info('workers stopped');
  }

  private async handle(key: string, signal: AbortSignal): Promise<void> {
    const reconcileId = randomUUID();
    const log = this.log.child({ key, reconcileId });
    const retries = this.queue.numRequeues(key);
    let result: Result | void;
    try {
      result = await this.o.reconcile(key, { signal, log, reconcileId, retries });
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof TerminalError) {
        log.error({ err }, 'reconcile failed terminally; not retrying');
        this.queue.forget(key);
        return;
      }
      log.error({ err, retries }, 'reconcile failed; will retry');
      this.queue.addRateLimited(key);
      return;
    }
    if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
      this.queue.forget(key);
      this.queue.addAfter(key, result.requeueAfterMs);
    } else if (result?.requeue) {
      this.queue.addRateLimited(key);
    } else {
      this.queue.forget(key);
    }
  }
}
