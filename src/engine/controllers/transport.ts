/**
 * The transport controller (kubestellar-semantics.md §3): turns each Binding into ManifestWorks in
 * its destinations' namespaces of the ITS, reading the bound objects from the WDS informer caches,
 * and records what it processed in the Binding status. Works are found by their origin labels, so
 * a deleted Binding's works are removed without a finalizer.
 */
import type { Logger } from 'pino';
import type { Binding, CustomTransform } from '../../api/control.js';
import { ORIGIN_BINDING_LABEL, ORIGIN_WDS_LABEL } from '../../api/constants.js';
import { BINDING, CUSTOM_TRANSFORM, MANIFEST_WORK } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import type { ManifestWork } from '../../api/ocm.js';
import type { DynamicClient } from '../../kube/dynamic.js';
import { isNotFound } from '../../kube/errors.js';
import { Controller, type Result } from '../runtime/controller.js';
import type { DynamicInformers } from '../runtime/dynamic-informers.js';
import type { Informer } from '../runtime/informer.js';
import { boundEntries, buildManifestWorks, type BoundRef } from '../transport/manifestwork.js';
import { digestCustomTransforms, grOf, type DigestedTransforms } from '../transport/customtransform.js';
import { jsonEqual } from '../status/rules.js';
import { planWorkSync, transportBindingStatus } from '../transport/plan.js';
import { ENGINE_FIELD_MANAGER } from './crds.js';

export const BINDING_INDEX = 'binding';

/** Indexer for the ManifestWork informer: the Binding a work came from. */
export const worksByBinding = (w: KObject): string[] => {
  const b = w.metadata?.labels?.[ORIGIN_BINDING_LABEL];
  return b ? [b] : [];
};

/** Label selector of the works this WDS owns in the ITS. */
export const ownWorksSelector = (wdsName: string): string => `${ORIGIN_WDS_LABEL}=${wdsName}`;

export interface TransportControllerOptions {
  wds: DynamicClient;
  its: DynamicClient;
  wdsName: string;
  bindings: Informer<Binding>;
  /** ITS ManifestWorks labelled with this WDS, indexed by BINDING_INDEX. */
  works: Informer<ManifestWork>;
  /** WDS informers the workload objects are read from. */
  wdsInformers: DynamicInformers;
  /** WDS CustomTransforms; when absent no transforms are applied. */
  customTransforms?: Informer<CustomTransform>;
  /** Max objects per ManifestWork (default 1). */
  maxNumWrapped?: number;
  /** Max bytes of compact JSON per ManifestWork (default 512000). */
  maxSizeWrapped?: number;
  log: Logger;
}

/** Queue key of the CustomTransform status pass (Binding names never contain a slash). */
const TRANSFORM_STATUS_KEY = '/customtransforms';

export class TransportController {
  readonly controller: Controller;

  constructor(private readonly o: TransportControllerOptions) {
    this.controller = new Controller({ name: 'transport', log: o.log, reconcile: (k) => this.reconcile(k) });
    const enqueue = (b: KObject) => b.metadata?.name && this.controller.enqueue(b.metadata.name);
    o.bindings.addEventHandler({
      onAdd: enqueue,
      onUpdate: (old, b) => old.metadata.generation !== b.metadata.generation && enqueue(b),
      onDelete: enqueue,
    });
    // Works changed or removed behind our back are put back.
    const byWork = (w: KObject) => worksByBinding(w).forEach((n) => this.controller.enqueue(n));
    // Works found at startup are checked too: their Binding may have gone while we were down.
    o.works.addEventHandler({
      onAdd: (w, initial) => initial && byWork(w),
      onUpdate: (_o, w) => byWork(w),
      onDelete: byWork,
    });
    o.customTransforms?.addEventHandler({
      onAdd: (t) => this.transformChanged(undefined, t),
      // Status-only updates (ours included) need only the status check, not a rebuild of works.
      onUpdate: (old, t) =>
        old.metadata.generation === t.metadata.generation
          ? this.controller.enqueue(TRANSFORM_STATUS_KEY)
          : this.transformChanged(old, t),
      onDelete: (t) => this.transformChanged(t, undefined),
    });
  }

  private digestedCache: DigestedTransforms | undefined;

  /** All CustomTransforms digested, recomputed after any of them changes. */
  private digested(): DigestedTransforms | undefined {
    if (!this.o.customTransforms) return undefined;
    this.digestedCache ??= digestCustomTransforms(this.o.customTransforms.cache.list());
    return this.digestedCache;
  }

  /**
   * A CustomTransform changed. Upstream only re-enqueues the Bindings and usually does not rewrite
   * the works (§3.8, §3.11); we rebuild the works of every Binding carrying an object of the old
   * or new group/resource, so a transform takes effect (and stops) without touching the objects.
   */
  private transformChanged(old: CustomTransform | undefined, now: CustomTransform | undefined): void {
    this.digestedCache = undefined;
    this.controller.enqueue(TRANSFORM_STATUS_KEY);
    const grs = new Set(
      [old, now]
        .filter((t): t is CustomTransform => !!t)
        .map((t) => grOf(t.spec?.apiGroup ?? '', t.spec?.resource ?? '')),
    );
    for (const b of this.o.bindings.cache.list())
      if (boundEntries(b).some((e) => grs.has(grOf(e.ref.group, e.ref.resource))))
        this.controller.enqueue(b.metadata.name!);
  }

  /** Writes each CustomTransform's computed status where it differs (§1.3; eagerly, unlike upstream). */
  private async writeTransformStatuses(): Promise<void> {
    const statuses = this.digested()?.statuses ?? new Map();
    for (const t of this.o.customTransforms?.cache.list() ?? []) {
      const want = statuses.get(t.metadata.name ?? '');
      if (!want || jsonEqual(t.status, want)) continue;
      const name = t.metadata.name!;
      // Replace the whole status (stale errors/warnings must go): a merge patch with explicit nulls.
      const patch = { status: { errors: null, warnings: null, ...want } };
      try {
        await this.o.wds.patch(CUSTOM_TRANSFORM, name, patch, { type: 'merge', subresource: 'status' });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        try {
          await this.o.wds.patch(CUSTOM_TRANSFORM, name, patch, { type: 'merge' });
        } catch (e2) {
          if (!isNotFound(e2)) throw e2; // deleted meanwhile
        }
      }
    }
  }

  private get = (ref: BoundRef): KObject | undefined =>
    this.o.wdsInformers
      .get({ group: ref.group, version: ref.version, resource: ref.resource })
      ?.cache.getByName(ref.name, ref.namespace || undefined);

  async reconcile(name: string): Promise<Result | void> {
    if (name === TRANSFORM_STATUS_KEY) return this.writeTransformStatuses();
    const binding = this.o.bindings.cache.getByName(name);
    const existing = this.o.works.cache.byIndex(BINDING_INDEX, name);
    if (!binding || binding.metadata.deletionTimestamp) {
      await this.write(planWorkSync(existing, []));
      return;
    }
    const { works, errors, missing } = buildManifestWorks(binding, this.get, {
      wdsName: this.o.wdsName,
      transforms: this.digested(),
      maxNumWrapped: this.o.maxNumWrapped,
      maxSizeWrapped: this.o.maxSizeWrapped,
    });
    if (missing.length) {
      // The Binding is ahead of our caches (or an object just went away): try again shortly.
      this.o.log.debug({ binding: name, missing: missing.length }, 'bound objects not cached yet');
      return { requeueAfterMs: 200 };
    }
    const plan = planWorkSync(existing, errors.length ? undefined : works);
    await this.write(plan);
    const status = transportBindingStatus(binding, errors);
    if (status) await this.o.wds.updateStatus(BINDING, { ...binding, status });
    if (plan.pending.length) return { requeueAfterMs: 500 };
  }

  private async write(plan: ReturnType<typeof planWorkSync>): Promise<void> {
    const opts = { fieldManager: ENGINE_FIELD_MANAGER };
    for (const w of plan.create) {
      await this.o.its.create(MANIFEST_WORK, w, { ...opts, namespace: w.metadata.namespace });
      this.o.log.debug({ work: `${w.metadata.namespace}/${w.metadata.name}` }, 'manifestwork created');
    }
    for (const w of plan.update)
      await this.o.its.update(MANIFEST_WORK, w, { ...opts, namespace: w.metadata.namespace });
    for (const ref of plan.delete) {
      try {
        await this.o.its.delete(MANIFEST_WORK, ref.name, { namespace: ref.namespace });
        this.o.log.debug({ work: `${ref.namespace}/${ref.name}` }, 'manifestwork deleted');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}
