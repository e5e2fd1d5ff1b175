/**
 * Informer caches of WEC objects, one per group/version/resource, started the first time a kind is
 * needed, with the agent's own writes laid over them (WriteOverlay). Events are passed on so the
 * caller can map an object back to the works that carry it.
 */
import type { Logger } from 'pino';
import type { KObject } from '../../api/meta.js';
import { gvrKey } from '../../kube/discovery.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { ignoreNotFound } from '../../kube/errors.js';
import { DynamicInformers } from '../../engine/runtime/dynamic-informers.js';
import type { Informer } from '../../engine/runtime/informer.js';
import { WriteOverlay } from './work-overlay.js';

export type SpokeEventType = 'add' | 'update' | 'delete';

export interface SpokeEvent {
  resource: ResourceId;
  type: SpokeEventType;
  obj: KObject;
  /** The previous state, for updates. */
  old?: KObject;
}

export interface SpokeObjectsOptions {
  client: DynamicClient;
  log: Logger;
  onEvent(e: SpokeEvent): void;
  /** How long `ensure` waits for a new informer's first list (default 15 s). */
  syncTimeoutMs?: number;
}

/** `group/version/resource|namespace|name`: the identity of one object of one resource version. */
export const objectId = (
  r: { group: string; version: string; resource: string },
  namespace: string,
  name: string,
) => `${gvrKey(r)}|${namespace}|${name}`;

export class SpokeObjects {
  readonly informers: DynamicInformers;
  private readonly overlay = new WriteOverlay();

  constructor(private readonly o: SpokeObjectsOptions) {
    this.informers = new DynamicInformers({
      client: o.client,
      log: o.log,
      onCreate: (inf) => this.attach(inf),
    });
  }

  /** Runs every informer, present and future, until `signal` aborts. */
  start(signal: AbortSignal): Promise<void> {
    return this.informers.start(signal);
  }

  /** The informer of `res`, created (and started) on first use. */
  informer(res: ResourceId): Informer {
    return this.informers.informerFor(res);
  }

  /** Makes sure `res` is cached and its first list is in; throws after the sync timeout. */
  async ensure(res: ResourceId, signal: AbortSignal): Promise<void> {
    const inf = this.informer(res);
    if (inf.hasSynced()) return;
    const timeout = AbortSignal.timeout(this.o.syncTimeoutMs ?? 15_000);
    const ok = await inf.waitForSync(AbortSignal.any([signal, timeout]));
    if (!ok && !signal.aborted) throw new Error(`the WEC's ${gvrKey(res)} could not be listed yet`);
  }

  /** The object as last seen (cache or own write); the informer must exist. */
  get(res: ResourceId, namespace: string, name: string): KObject | undefined {
    const inf = this.informers.get(res);
    const cached = inf?.cache.getByName(name, namespace || undefined);
    return this.overlay.pick(objectId(res, namespace, name), cached);
  }

  /** Reads the object from the server (after a stale write) and remembers the answer. */
  async fetch(
    res: ResourceId,
    namespace: string,
    name: string,
    signal: AbortSignal,
  ): Promise<KObject | undefined> {
    const obj = await ignoreNotFound(
      this.o.client.get(
        res,
        name,
        namespace && res.namespaced !== false ? { namespace, signal } : { signal },
      ),
    );
    const id = objectId(res, namespace, name);
    if (obj) this.overlay.note(id, obj);
    else this.overlay.forget(id);
    return obj;
  }

  /** Remembers the server's answer to one of our writes. */
  note(res: ResourceId, obj: KObject | undefined): void {
    if (obj?.metadata?.name)
      this.overlay.note(objectId(res, obj.metadata.namespace ?? '', obj.metadata.name), obj);
  }

  /** Forgets what we know of an object we just deleted. */
  forget(res: ResourceId, namespace: string, name: string): void {
    this.overlay.forget(objectId(res, namespace, name));
  }

  private attach(inf: Informer): void {
    const resource = inf.resource;
    const seen = (obj: KObject) =>
      this.overlay.seen(objectId(resource, obj.metadata?.namespace ?? '', obj.metadata?.name ?? ''), obj);
    inf.addEventHandler({
      onAdd: (obj) => {
        seen(obj);
        this.o.onEvent({ resource, type: 'add', obj });
      },
      onUpdate: (old, obj) => {
        seen(obj);
        this.o.onEvent({ resource, type: 'update', obj, old });
      },
      onDelete: (obj) => {
        // Whatever we wrote before is obsolete now (and a relist may report an older copy).
        this.overlay.forget(objectId(resource, obj.metadata?.namespace ?? '', obj.metadata?.name ?? ''));
        this.o.onEvent({ resource, type: 'delete', obj });
      },
    });
  }
}
