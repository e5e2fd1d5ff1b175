import type { Logger } from 'pino';
import type { KObject, ResourceDef, OwnerReference } from './types.js';
import type { Store, StoreEvent } from './storage/types.js';
import type { Registry } from './registry.js';
import type { ObjectService } from './objects.js';
import type { TaskRunner } from './tasks.js';
import { resourcePrefix } from './keys.js';

/**
 * Garbage collection through ownerReferences (apiserver-compat.md §13). A space runs no
 * kube-controller-manager, so the server does the collector's work itself: background cascades
 * when an owner disappears, the `foregroundDeletion` and `orphan` finalizers, and a sweep at
 * start-up that finishes cascades a crash interrupted.
 */

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

interface Entry {
  key: string;
  namespaced: boolean;
  namespace?: string;
  owners: OwnerReference[];
}

const OPTS = { fieldManager: 'garbage-collector', fieldValidation: 'Ignore' as const, dryRun: false };

export class GarbageCollector {
  /** uid -> live object entry. */
  private byUid = new Map<string, Entry>();
  /** owner uid -> dependent uids. */
  private dependents = new Map<string, Set<string>>();
  private defsByPrefix = new Map<string, ResourceDef>();
  private registryGen = -1;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly objects: ObjectService,
    private readonly tasks: TaskRunner,
    private readonly log: Logger,
  ) {}

  private defForKey(key: string): ResourceDef | undefined {
    if (this.registryGen !== this.registry.generation) {
      this.registryGen = this.registry.generation;
      this.defsByPrefix.clear();
      for (const d of this.registry.all())
        if (!d.review && !d.computed) this.defsByPrefix.set(resourcePrefix(d), d);
    }
    const parts = key.split('/');
    return this.defsByPrefix.get(`/${parts[1]}/${parts[2]}/`);
  }

  /** Build the indexes from storage, then finish whatever a previous run left undone. */
  start(): void {
    for (const item of this.store.list({ prefix: '/' }).items) this.index(item.key, item.object);
    for (const [uid, e] of this.byUid) {
      const obj = this.store.get(e.key)?.object;
      if (!obj) continue;
      if (obj.metadata?.deletionTimestamp) this.scheduleFinalizers(e.key, obj);
      if (e.owners.length && e.owners.every((o) => !this.ownerAlive(o, e))) this.scheduleDependent(uid);
      else if (e.owners.some((o) => !this.ownerAlive(o, e))) this.scheduleDependent(uid);
    }
  }

  /** Feed every committed store event. */
  onEvent(e: StoreEvent): void {
    const uid = e.object.metadata?.uid;
    if (!uid) return;
    if (e.type === 'DELETED') {
      this.unindex(uid);
      // Dependents of a vanished owner need a look.
      for (const dep of this.dependents.get(uid) ?? []) this.scheduleDependent(dep);
      return;
    }
    this.index(e.key, e.object);
    if (e.object.metadata?.deletionTimestamp) {
      this.scheduleFinalizers(e.key, e.object);
      // A foreground-deleting owner's dependents must go first.
    }
    // A dependent created pointing at owners that do not exist (or no longer exist) is garbage.
    const entry = this.byUid.get(uid)!;
    if (
      e.type === 'ADDED' ||
      JSON.stringify(e.prev?.metadata?.ownerReferences ?? []) !== JSON.stringify(entry.owners)
    ) {
      if (entry.owners.some((o) => !this.ownerAlive(o, entry))) this.scheduleDependent(uid);
    }
  }

  private index(key: string, obj: KObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const def = this.defForKey(key);
    const old = this.byUid.get(uid);
    if (old) for (const o of old.owners) this.dependents.get(o.uid)?.delete(uid);
    const owners = Array.isArray(obj.metadata?.ownerReferences)
      ? (obj.metadata!.ownerReferences as OwnerReference[]).filter((o) => o?.uid)
      : [];
    this.byUid.set(uid, {
      key,
      namespaced: def?.namespaced ?? false,
      namespace: obj.metadata?.namespace,
      owners,
    });
    for (const o of owners) {
      let s = this.dependents.get(o.uid);
      if (!s) this.dependents.set(o.uid, (s = new Set()));
      s.add(uid);
    }
  }

  private unindex(uid: string): void {
    const old = this.byUid.get(uid);
    if (!old) return;
    for (const o of old.owners) {
      const s = this.dependents.get(o.uid);
      s?.delete(uid);
      if (s && s.size === 0) this.dependents.delete(o.uid);
    }
    this.byUid.delete(uid);
  }

  /**
   * An owner reference resolves when an object with that uid exists in the dependent's namespace
   * (or is cluster-scoped). A cluster-scoped dependent cannot have a namespaced owner.
   */
  private ownerAlive(ref: OwnerReference, dependent: Entry): boolean {
    const owner = this.byUid.get(ref.uid);
    if (!owner) return false;
    if (!owner.namespaced) return true;
    return dependent.namespaced && owner.namespace === dependent.namespace;
  }

  private ownerDeleting(ref: OwnerReference): boolean {
    const owner = this.byUid.get(ref.uid);
    if (!owner) return false;
    const o = this.store.get(owner.key)?.object;
    return !!o?.metadata?.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND);
  }

  private scheduleDependent(uid: string): void {
    this.tasks.schedule(`gc-dep/${uid}`, () => this.processDependent(uid));
  }

  private scheduleFinalizers(key: string, obj: KObject): void {
    const fins: string[] = obj.metadata?.finalizers ?? [];
    if (fins.includes(FOREGROUND) || fins.includes(ORPHAN))
      this.tasks.schedule(`gc-owner/${key}`, () => this.processOwner(key));
  }

  /** Delete a dependent whose owners are all gone; drop references to owners that are gone. */
  private async processDependent(uid: string): Promise<boolean> {
    const e = this.byUid.get(uid);
    if (!e) return true;
    const def = this.defForKey(e.key);
    const cur = this.store.get(e.key)?.object;
    if (!def || !cur || cur.metadata?.uid !== uid) return true;
    const refs: OwnerReference[] = cur.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return true;
    const alive = refs.filter((r) => this.ownerAlive(r, e));
    const deletingForeground = alive.filter((r) => this.ownerDeleting(r));
    if (alive.length === 0 || (deletingForeground.length === alive.length && alive.length > 0)) {
      // Every owner is gone (or waiting on its dependents): this object is garbage.
      if (cur.metadata?.deletionTimestamp) return true;
      const policy = deletingForeground.length ? 'Foreground' : 'Background';
      try {
        await this.objects.delete(def, cur.metadata?.namespace, cur.metadata!.name!, {
          dryRun: false,
          propagationPolicy: policy,
          preconditions: { uid },
        });
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code !== 404 && code !== 409) throw err;
      }
      return true;
    }
    if (alive.length < refs.length) {
      const aliveUids = new Set(alive.map((r) => r.uid));
      await this.objects.modify(def, cur.metadata?.namespace, cur.metadata!.name!, OPTS, (o) => {
        const next = structuredClone(o);
        next.metadata!.ownerReferences = (o.metadata?.ownerReferences ?? []).filter((r: OwnerReference) =>
          aliveUids.has(r.uid),
        );
        if (next.metadata!.ownerReferences!.length === 0) delete next.metadata!.ownerReferences;
        return next;
      });
    }
    return true;
  }

  /** Work of the foregroundDeletion and orphan finalizers on an owner being deleted. */
  private async processOwner(key: string): Promise<boolean> {
    const def = this.defForKey(key);
    const owner = this.store.get(key)?.object;
    if (!def || !owner?.metadata?.deletionTimestamp) return true;
    const uid = owner.metadata.uid!;
    const fins: string[] = owner.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])]
      .map((d) => this.byUid.get(d))
      .filter((d): d is Entry => !!d);
    if (fins.includes(ORPHAN)) {
      for (const d of deps) {
        const ddef = this.defForKey(d.key);
        const obj = this.store.get(d.key)?.object;
        if (!ddef || !obj) continue;
        await this.objects.modify(ddef, obj.metadata?.namespace, obj.metadata!.name!, OPTS, (o) => {
          const next = structuredClone(o);
          next.metadata!.ownerReferences = (o.metadata?.ownerReferences ?? []).filter(
            (r: OwnerReference) => r.uid !== uid,
          );
          if (next.metadata!.ownerReferences!.length === 0) delete next.metadata!.ownerReferences;
          return next;
        });
      }
      await this.removeFinalizer(def, owner, ORPHAN);
      return true;
    }
    if (fins.includes(FOREGROUND)) {
      for (const d of deps) {
        const ddef = this.defForKey(d.key);
        const obj = this.store.get(d.key)?.object;
        if (!ddef || !obj) continue;
        if (obj.metadata?.deletionTimestamp) continue;
        const otherOwners = (obj.metadata?.ownerReferences ?? []).filter(
          (r: OwnerReference) => r.uid !== uid && this.ownerAlive(r, d) && !this.ownerDeleting(r),
        );
        if (otherOwners.length) {
          // Still owned by someone else: only drop this owner's reference.
          await this.objects.modify(ddef, obj.metadata?.namespace, obj.metadata!.name!, OPTS, (o) => {
            const next = structuredClone(o);
            next.metadata!.ownerReferences = (o.metadata?.ownerReferences ?? []).filter(
              (r: OwnerReference) => r.uid !== uid,
            );
            return next;
          });
          continue;
        }
        try {
          await this.objects.delete(ddef, obj.metadata?.namespace, obj.metadata!.name!, {
            dryRun: false,
            propagationPolicy: 'Foreground',
          });
        } catch (err) {
          if ((err as { code?: number }).code !== 404) throw err;
        }
      }
      // Blocking dependents must be gone before the owner goes.
      const stillBlocking = [...(this.dependents.get(uid) ?? [])].some((d) => {
        const e = this.byUid.get(d);
        const o = e && this.store.get(e.key)?.object;
        return (
          !!o &&
          (o.metadata?.ownerReferences ?? []).some(
            (r: OwnerReference) => r.uid === uid && r.blockOwnerDeletion,
          )
        );
      });
      if (stillBlocking) return false;
      await this.removeFinalizer(def, owner, FOREGROUND);
      return true;
    }
    return true;
  }

  private async removeFinalizer(def: ResourceDef, owner: KObject, fin: string): Promise<void> {
    try {
      await this.objects.modify(def, owner.metadata?.namespace, owner.metadata!.name!, OPTS, (o) => {
        const next = structuredClone(o);
        next.metadata!.finalizers = (o.metadata?.finalizers ?? []).filter((f: string) => f !== fin);
        if (next.metadata!.finalizers!.length === 0) delete next.metadata!.finalizers;
        return next;
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      this.log.debug({ key: owner.metadata?.name }, 'owner already gone');
    }
  }
}

/** The default propagation policy when a DELETE names none (Jobs orphan their pods, upstream's legacy default). */
export function defaultPropagation(def: ResourceDef): 'Background' | 'Orphan' {
  return def.group === 'batch' && def.resource === 'jobs' ? 'Orphan' : 'Background';
}
