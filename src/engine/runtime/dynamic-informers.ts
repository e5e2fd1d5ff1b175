/**
 * A set of informers started and stopped at run time, one per (resource, namespace, selectors):
 * the engine adds informers as CRDs become established and removes them as CRDs go away.
 * As a Runnable, `start(signal)` runs every informer registered before or after it.
 */
import pino, { type Logger } from 'pino';
import type { KObject } from '../../api/meta.js';
import type { BackoffOptions } from '../../kube/backoff.js';
import { gvrKey } from '../../kube/discovery.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import type { IndexFunc } from './cache.js';
import { Informer } from './informer.js';

export interface InformerScope<T = KObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Used only when the informer is created. */
  indexers?: Record<string, IndexFunc<T>>;
}

export interface DynamicInformersOptions {
  client: DynamicClient;
  log?: Logger;
  backoff?: BackoffOptions;
  resyncMs?: number;
  /** Called for each new informer before it starts (e.g. to attach handlers). */
  onCreate?(informer: Informer<any>): void;
}

export class DynamicInformers {
  private readonly informers = new Map<string, Informer<any>>();
  private readonly log: Logger;
  private signal?: AbortSignal;

  constructor(private readonly o: DynamicInformersOptions) {
    this.log = o.log ?? pino({ level: 'silent' });
  }

  /** The informer for `resource` in `scope`, created (and started, if this set runs) on first use. */
  informerFor<T extends KObject = KObject>(resource: ResourceId, scope: InformerScope<T> = {}): Informer<T> {
    const key = keyOf(resource, scope);
    let inf = this.informers.get(key) as Informer<T> | undefined;
    if (inf) return inf;
    inf = new Informer<T>({
      client: this.o.client,
      resource,
      namespace: scope.namespace,
      labelSelector: scope.labelSelector,
      fieldSelector: scope.fieldSelector,
      indexers: scope.indexers,
      backoff: this.o.backoff,
      resyncMs: this.o.resyncMs,
      log: this.log,
    });
    this.informers.set(key, inf);
    this.o.onCreate?.(inf);
    if (this.signal && !this.signal.aborted) this.launch(inf);
    this.log.debug({ informer: key }, 'informer added');
    return inf;
  }

  get<T extends KObject = KObject>(
    resource: ResourceId,
    scope: InformerScope<T> = {},
  ): Informer<T> | undefined {
    return this.informers.get(keyOf(resource, scope)) as Informer<T> | undefined;
  }

  has(resource: ResourceId, scope: InformerScope = {}): boolean {
    return this.informers.has(keyOf(resource, scope));
  }

  /**
   * Stops and forgets the informer. With `emitDeletes`, its handlers first get `onDelete` for every
   * cached object (for consumers that must treat a vanished resource as deleted objects).
   */
  async remove(
    resource: ResourceId,
    scope: InformerScope = {},
    o: { emitDeletes?: boolean } = {},
  ): Promise<boolean> {
    const key = keyOf(resource, scope);
    const inf = this.informers.get(key);
    if (!inf) return false;
    this.informers.delete(key);
    await inf.stop();
    if (o.emitDeletes) inf.forgetAll();
    this.log.debug({ informer: key }, 'informer removed');
    return true;
  }

  list(): Informer<any>[] {
    return [...this.informers.values()];
  }

  hasSynced(): boolean {
    return this.list().every((i) => i.hasSynced());
  }

  /** Resolves true when every informer present now has synced; false if `signal` aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all(this.list().map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Runs all informers, present and future, until `signal` aborts; then stops them all. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.signal) throw new Error('DynamicInformers already started');
    this.signal = signal;
    for (const inf of this.informers.values()) this.launch(inf);
    if (!signal.aborted)
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    await Promise.all(this.list().map((i) => i.stop()));
  }

  /** Informers are not Runnables needing leadership: caches run on every replica. */
  readonly needLeaderElection = false;

  private launch(inf: Informer<any>): void {
    void inf.start(this.signal);
  }
}

function keyOf(r: ResourceId, s: InformerScope<any>): string {
  return `${gvrKey(r)}|${s.namespace ?? ''}|${s.labelSelector ?? ''}|${s.fieldSelector ?? ''}`;
}
