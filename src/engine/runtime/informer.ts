/**
 * An informer: a local, indexed copy of one resource kept current by list + watch, and event
 * handlers told of every change. Resilient by construction (the kube Reflector resumes after
 * network failures and server restarts and relists after 410); a relist is turned into the
 * add/update/delete events that explain the difference, so handlers never miss a deletion.
 *
 * Handlers run synchronously in event order and should only compute keys and enqueue them.
 */
import pino, { type Logger } from 'pino';
import type { KObject } from '../../api/meta.js';
import type { BackoffOptions } from '../../kube/backoff.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { Reflector } from '../../kube/reflector.js';
import { ObjectCache, objectKey, type IndexFunc } from './cache.js';

export interface EventHandler<T> {
  /** `initial` is true for objects of the first list (and for the replay to a late handler). */
  onAdd?(obj: T, initial: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** The last known state of the deleted object. */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T> {
  client: DynamicClient;
  resource: ResourceId;
  /** Watch one namespace only (default: all). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Extra cache indexes (namespace and label indexes always exist). */
  indexers?: Record<string, IndexFunc<T>>;
  /** Replays every cached object to `onUpdate(obj, obj)` this often (default: never). */
  resyncMs?: number;
  /** Reconnect pacing (default 100 ms doubling to 30 s). */
  backoff?: BackoffOptions;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  log?: Logger;
}

export class Informer<T extends KObject = KObject> {
  readonly cache: ObjectCache<T>;
  readonly resource: ResourceId;
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly reflector: Reflector<T>;
  private readonly log: Logger;
  private synced = false;
  private syncWaiters: Array<(ok: boolean) => void> = [];
  private abort?: AbortController;
  private running?: Promise<void>;

  constructor(private readonly o: InformerOptions<T>) {
    this.resource = o.resource;
    this.cache = new ObjectCache<T>(o.indexers);
    this.log = (o.log ?? pino({ level: 'silent' })).child({ resource: o.resource.resource });
    this.reflector = new Reflector<T>(
      {
        client: o.client,
        resource: o.resource,
        namespace: o.namespace,
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        pageSize: o.pageSize,
        backoff: o.backoff,
        watchTimeoutSeconds: o.watchTimeoutSeconds,
        log: this.log,
      },
      {
        replace: (items) => this.replace(items),
        event: (type, obj) => (type === 'DELETED' ? this.remove(obj) : this.upsert(obj, false)),
      },
    );
  }

  /**
   * Registers handlers and returns their removal. A handler added after the first list gets the
   * current contents as initial adds first, as client-go does.
   */
  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.add(h);
    if (this.synced) for (const obj of this.cache.list()) this.call(h, 'onAdd', obj, true);
    return () => this.handlers.delete(h);
  }

  /** Starts listing and watching; resolves when stopped (by `stop()` or `signal`). */
  start(signal?: AbortSignal): Promise<void> {
    if (this.running) return this.running;
    const ac = (this.abort = new AbortController());
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) ac.abort();
    const resync =
      this.o.resyncMs && this.o.resyncMs > 0 ? setInterval(() => this.resync(), this.o.resyncMs) : undefined;
    this.running = this.reflector.run(ac.signal).finally(() => {
      clearInterval(resync);
      signal?.removeEventListener('abort', onAbort);
      for (const w of this.syncWaiters.splice(0)) w(false);
    });
    return this.running;
  }

  /** Stops watching; the cache keeps its last contents. */
  stop(): Promise<void> {
    this.abort?.abort();
    return this.running ?? Promise.resolve();
  }

  get stopped(): boolean {
    return this.abort?.signal.aborted ?? false;
  }

  /** The first list has been stored (and its adds delivered). */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if the informer stops or `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(false);
      };
      const done = (ok: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Empties the cache, telling handlers each object was deleted (for a resource that went away). */
  forgetAll(): void {
    for (const key of this.cache.keys()) this.emit('onDelete', this.cache.delete(key)!);
  }

  /** Caches run on every replica, leader or not. */
  readonly needLeaderElection = false;

  /** The resourceVersion the informer has caught up to. */
  get lastResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  private replace(items: T[]): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(objectKey(obj));
      this.upsert(obj, initial);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key)!;
      this.emit('onDelete', old);
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w(true);
    }
  }

  private upsert(obj: T, initial: boolean): void {
    const old = this.cache.set(obj);
    if (!old) return this.emit('onAdd', obj, initial);
    // NOTE: a relist returns unchanged objects again; only real changes are news.
    if (
      old.metadata?.resourceVersion === obj.metadata?.resourceVersion &&
      old.metadata?.uid === obj.metadata?.uid
    )
      return;
    // Same name, new uid: the object was deleted and recreated while we were not watching.
    if (old.metadata?.uid && obj.metadata?.uid && old.metadata.uid !== obj.metadata.uid) {
      this.emit('onDelete', old);
      return this.emit('onAdd', obj, initial);
    }
    this.emit('onUpdate', old, obj);
  }

  private remove(obj: T): void {
    const old = this.cache.delete(objectKey(obj));
    this.emit('onDelete', obj ?? old);
  }

  private resync(): void {
    for (const obj of this.cache.list()) this.emit('onUpdate', obj, obj);
  }

  private emit(kind: 'onAdd', obj: T, initial: boolean): void;
  private emit(kind: 'onUpdate', old: T, obj: T): void;
  private emit(kind: 'onDelete', obj: T): void;
  private emit(kind: keyof EventHandler<T>, a: T, b?: T | boolean): void {
    for (const h of this.handlers) this.call(h, kind, a, b);
  }

  private call(h: EventHandler<T>, kind: keyof EventHandler<T>, a: T, b?: T | boolean): void {
    try {
      if (kind === 'onAdd') h.onAdd?.(a, b as boolean);
      else if (kind === 'onUpdate') h.onUpdate?.(a, b as T);
      else h.onDelete?.(a);
    } catch (e) {
      this.log.error({ err: e, handler: kind }, 'informer event handler threw');
    }
  }
}
