/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm:
 * - a candidate takes the lease when it is free, released, or not renewed for
 *   `leaseDurationSeconds` as measured on the candidate's OWN clock since it last saw the record
 *   change (so clock skew between replicas does not matter);
 * - every write carries the resourceVersion it read, so two candidates cannot both win a round;
 * - the leader renews every `retryPeriodMs` and steps down when it has not renewed for
 *   `renewDeadlineMs`, which is shorter than the lease duration: it has stopped leading before
 *   anybody else may take over;
 * - on stop, the leader waits for its work to end, then releases the lease so a successor need not
 *   wait out the lease.
 */
import pino, { type Logger } from 'pino';
import { sleep } from '../../kube/backoff.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kube/errors.js';

export const LEASE: ResourceId = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
};

export interface LeaderElectorOptions {
  client: DynamicClient;
  namespace: string;
  /** Lease name. */
  name: string;
  /** This candidate's unique identity (e.g. hostname + random suffix). */
  identity: string;
  /** How long a lease holds without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** The leader steps down when it could not renew for this long (default 10 s). */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  log?: Logger;
}

export interface LeaderCallbacks {
  /** Starts the leader's work; `signal` aborts when leadership ends. May return a promise that
   * settles when the work has stopped, which is awaited before the lease is released. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Leadership ended (lost or released). */
  onStoppedLeading?(): void;
  /** Someone else (or this candidate) was seen holding the lease. */
  onNewLeader?(identity: string): void;
}

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}
interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  spec?: LeaseSpec;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly log: Logger;
  /** The record as last seen, and when (monotonic), for expiry on our own clock. */
  private observed?: { spec: string; at: number; holder: string };
  private leading = false;

  constructor(private readonly o: LeaderElectorOptions) {
    this.leaseMs = o.leaseDurationMs ?? 15_000;
    this.renewMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
    if (!(this.leaseMs > this.renewMs && this.renewMs > this.retryMs && this.retryMs > 0))
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod > 0');
    if (!o.identity) throw new Error('leader election needs a non-empty identity');
    this.log = (o.log ?? pino({ level: 'silent' })).child({
      lease: `${o.namespace}/${o.name}`,
      identity: o.identity,
    });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen on the lease. */
  get leader(): string | undefined {
    return this.observed?.holder || undefined;
  }

  /**
   * Campaigns until elected (or `signal` aborts), leads until leadership is lost or `signal`
   * aborts, then releases the lease. Resolves when all of that is over; it does not campaign again.
   */
  async run(cb: LeaderCallbacks, signal: AbortSignal): Promise<void> {
    const acquiredAt = await this.acquire(cb, signal);
    if (acquiredAt === undefined) return;
    this.leading = true;
    const lead = new AbortController();
    const onAbort = () => lead.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.log.info('started leading');
    let work: Promise<void> = Promise.resolve();
    try {
      work = Promise.resolve()
        .then(() => cb.onStartedLeading(lead.signal))
        .catch((err) => this.log.error({ err }, 'leader work failed'));
      await this.renewLoop(lead.signal, acquiredAt);
    } finally {
      // Stop leading first: no work may continue once we could have been superseded.
      this.leading = false;
      lead.abort();
      signal.removeEventListener('abort', onAbort);
      await work;
      if (this.observed?.holder === this.o.identity) await this.release();
      this.log.info('stopped leading');
      cb.onStoppedLeading?.();
    }
  }

  /** Campaigns; resolves with when the winning attempt started, or undefined if aborted. */
  private async acquire(cb: LeaderCallbacks, signal: AbortSignal): Promise<number | undefined> {
    let lastHolder: string | undefined;
    while (!signal.aborted) {
      const started = performance.now();
      const ok = await this.tryAcquireOrRenew(signal).catch((err) => {
        this.log.debug({ err: (err as Error).message }, 'cannot acquire the lease');
        return false;
      });
      if (this.leader && this.leader !== lastHolder) {
        lastHolder = this.leader;
        cb.onNewLeader?.(lastHolder);
      }
      if (ok) return started;
      // client-go's jitter: spread candidates so they do not retry in lockstep.
      await sleep(this.retryMs * (1 + Math.random() * 1.2), signal);
    }
    return undefined;
  }

  /**
   * Renews until a renewal deadline is missed or `signal` aborts. Deadlines count from the start
   * of the last successful attempt, which is no later than when others saw the renewal.
   */
  private async renewLoop(signal: AbortSignal, acquiredAt: number): Promise<void> {
    let lastRenew = acquiredAt;
    while (!signal.aborted) {
      await sleep(this.retryMs, signal);
      if (signal.aborted) return;
      for (;;) {
        const left = lastRenew + this.renewMs - performance.now();
        if (left <= 0) {
          this.log.warn('failed to renew the lease in time; leadership lost');
          return;
        }
        // A hung request must not keep us leading past the deadline.
        const attempt = AbortSignal.any([signal, AbortSignal.timeout(Math.ceil(left))]);
        const started = performance.now();
        const ok = await this.tryAcquireOrRenew(attempt).catch((err) => {
          this.log.debug({ err: (err as Error).message }, 'lease renewal failed');
          return false;
        });
        if (signal.aborted) return;
        if (ok) {
          lastRenew = started;
          break;
        }
        if (this.observed && this.observed.holder !== this.o.identity) {
          this.log.warn({ holder: this.observed.holder }, 'lease taken by another candidate');
          return;
        }
        await sleep(
          Math.min(this.retryMs, Math.max(0, lastRenew + this.renewMs - performance.now())),
          signal,
        );
      }
    }
  }

  /** One round: take or renew the lease if allowed. True when we hold it afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { client, namespace, name, identity } = this.o;
    const now = new Date();
    const mono = performance.now();
    const desired: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await client.get<Lease>(LEASE, name, { namespace, signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        const created = await client.create<Lease>(
          LEASE,
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: desired,
          },
          { signal },
        );
        this.observe(created.spec ?? desired, mono);
        return true;
      } catch (ce) {
        if (isAlreadyExists(ce)) return false;
        throw ce;
      }
    }

    const spec = current.spec ?? {};
    this.observe(spec, mono);
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder && holder !== identity && this.observed!.at + durationMs > mono) return false;

    if (holder === identity) {
      desired.acquireTime = spec.acquireTime ?? desired.acquireTime;
      desired.leaseTransitions = spec.leaseTransitions ?? 0;
    } else {
      desired.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    try {
      const updated = await client.update<Lease>(
        LEASE,
        { ...current, spec: { ...spec, ...desired } },
        { signal },
      );
      this.observe(updated.spec ?? desired, mono);
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  /** Records the lease as seen; the expiry clock restarts only when the record changed. */
  private observe(spec: LeaseSpec, at: number): void {
    const text = JSON.stringify([
      spec.holderIdentity,
      spec.renewTime,
      spec.acquireTime,
      spec.leaseTransitions,
    ]);
    if (this.observed?.spec === text) return;
    this.observed = { spec: text, at, holder: spec.holderIdentity ?? '' };
  }

  /** Gives the lease up so a successor can take it at once (client-go's ReleaseOnCancel). */
  private async release(): Promise<void> {
    const { client, namespace, name, identity } = this.o;
    try {
      const current = await client.get<Lease>(LEASE, name, {
        namespace,
        signal: AbortSignal.timeout(this.renewMs),
      });
      if (current.spec?.holderIdentity !== identity) return;
      const now = microTime(new Date());
      await client.update<Lease>(
        LEASE,
        {
          ...current,
          spec: {
            ...current.spec,
            holderIdentity: null,
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
          },
        },
        { signal: AbortSignal.timeout(this.renewMs) },
      );
      this.observed = undefined;
      this.log.debug('lease released');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not release the lease');
    }
  }
}
