/**
 * The singleton / multi-WEC status controller (kubestellar-semantics.md §4): copies (or
 * aggregates) the statuses WECs return through WorkStatus objects in the ITS into the WDS
 * objects' `.status`, with the marker labels, for objects whose policies ask for it. A WEC whose
 * agent sends no WorkStatus for an object may report it through the ManifestWork's status feedback
 * (rule `status`, JsonRaw) instead; that is used for WECs without a WorkStatus. Keys are
 * workload object keys (`group/resource/namespace/name`).
 */
import type { Logger } from 'pino';
import type { WorkStatus } from '../../api/control.js';
import type { KObject } from '../../api/meta.js';
import type { ManifestWork } from '../../api/ocm.js';
import type { ApiResource } from '../../kube/discovery.js';
import type { DynamicClient } from '../../kube/dynamic.js';
import { isNotFound } from '../../kube/errors.js';
import { MULTIWEC_STATUS_LABEL, SINGLETON_STATUS_LABEL } from '../../api/constants.js';
import { objectKey, parseObjectKey } from '../binding/objectid.js';
import type { Resolver } from '../binding/resolver.js';
import { Controller } from '../runtime/controller.js';
import type { DynamicInformers } from '../runtime/dynamic-informers.js';
import type { Informer } from '../runtime/informer.js';
import {
  computeStatusAction,
  isNoop,
  returnedFromManifestWorks,
  returnedFromWorkStatuses,
  statusMergePatch,
  statusTargetOf,
  workStatusIsForWds,
  workStatusSource,
} from '../status/rules.js';
import { resourceIdOf } from './workload.js';

export const SOURCE_INDEX = 'source';

/** Indexer for the WorkStatus informer: the object key its sourceRef names. */
export const workStatusesBySource = (ws: KObject): string[] => {
  const src = workStatusSource(ws as WorkStatus);
  return src ? [objectKey(src)] : [];
};

export const FEEDBACK_INDEX = 'feedback';

/** Indexer for the ManifestWork informer: the object keys its status reports on. */
export const worksByReportedObject = (w: KObject): string[] => [
  ...new Set(
    ((w as ManifestWork).status?.resourceStatus?.manifests ?? []).map((m) =>
      objectKey({
        group: m.resourceMeta.group ?? '',
        resource: m.resourceMeta.resource ?? '',
        namespace: m.resourceMeta.namespace ?? '',
        name: m.resourceMeta.name ?? '',
      }),
    ),
  ),
];

export interface StatusControllerOptions {
  wds: DynamicClient;
  wdsName: string;
  resolver: Resolver;
  /** ITS WorkStatuses (all namespaces), indexed by SOURCE_INDEX. */
  workStatuses: Informer<WorkStatus>;
  /** This WDS's ManifestWorks in the ITS, indexed by FEEDBACK_INDEX; status feedback fallback. */
  works?: Informer<ManifestWork>;
  wdsInformers: DynamicInformers;
  /** The watched workload resource of a group/resource. */
  resourceOf(group: string, resource: string): ApiResource | undefined;
  log: Logger;
}

const hasMarker = (obj: KObject) => {
  const l = obj.metadata?.labels ?? {};
  return Object.hasOwn(l, SINGLETON_STATUS_LABEL) || Object.hasOwn(l, MULTIWEC_STATUS_LABEL);
};

export class StatusController {
  readonly controller: Controller;

  constructor(private readonly o: StatusControllerOptions) {
    this.controller = new Controller({ name: 'status', log: o.log, reconcile: (k) => this.reconcile(k) });
    const bySource = (ws: WorkStatus) => {
      if (workStatusIsForWds(ws, o.wdsName))
        workStatusesBySource(ws).forEach((k) => this.controller.enqueue(k));
    };
    o.workStatuses.addEventHandler({
      onAdd: bySource,
      onUpdate: (_o, ws) => bySource(ws),
      onDelete: bySource,
    });
    const byWork = (w: KObject) => worksByReportedObject(w).forEach((k) => this.controller.enqueue(k));
    o.works?.addEventHandler({
      onAdd: byWork,
      // The old keys too: an object that left the work's status must be re-evaluated.
      onUpdate: (old, w) => {
        byWork(old);
        byWork(w);
      },
      onDelete: byWork,
    });
  }

  /** Object keys whose reported-state request changed (from the Resolver). */
  requestsChanged(keys: readonly string[]): void {
    keys.forEach((k) => this.controller.enqueue(k));
  }

  /** A workload object changed: recheck it when status is asked for or was written before. */
  objectChanged(res: ApiResource, obj: KObject): void {
    const m = obj.metadata ?? {};
    const key = objectKey({
      group: res.group,
      resource: res.resource,
      namespace: m.namespace ?? '',
      name: m.name ?? '',
    });
    if (
      hasMarker(obj) ||
      this.o.resolver.reportedStateRequest(key).singleton ||
      this.o.resolver.reportedStateRequest(key).multi
    )
      this.controller.enqueue(key);
  }

  async reconcile(key: string): Promise<void> {
    const ref = parseObjectKey(key);
    const res = this.o.resourceOf(ref.group, ref.resource);
    if (!res) return;
    const obj = this.o.wdsInformers
      .get(resourceIdOf(res))
      ?.cache.getByName(ref.name, ref.namespace || undefined);
    if (!obj || obj.metadata?.deletionTimestamp) return;
    const id = { ...ref, version: res.version, kind: res.kind };
    const returned = returnedFromWorkStatuses(
      this.o.workStatuses.cache.byIndex(SOURCE_INDEX, key),
      id,
      this.o.wdsName,
    );
    // WorkStatus wins for its WEC; feedback only fills in WECs that have none.
    const withWorkStatus = new Set(returned.map((r) => r.wec));
    if (this.o.works)
      for (const r of returnedFromManifestWorks(this.o.works.cache.byIndex(FEEDBACK_INDEX, key), id))
        if (!withWorkStatus.has(r.wec)) returned.push(r);
    const action = computeStatusAction(
      statusTargetOf(obj, ref.group),
      this.o.resolver.reportedStateRequest(key),
      returned,
    );
    if (isNoop(action)) return;
    const rid = resourceIdOf(res);
    const ns = ref.namespace || undefined;
    const labels = (names: string[], value: string | null) =>
      this.o.wds.patch(
        rid,
        ref.name,
        { metadata: { labels: Object.fromEntries(names.map((n) => [n, value])) } },
        {
          type: 'merge',
          namespace: ns,
        },
      );
    // §4.4 order: mark, write the status, then drop the other marker.
    if (action.addLabels.length) await labels(action.addLabels, 'true');
    if (action.status !== undefined) {
      const patch = statusMergePatch(obj.status, action.status);
      try {
        await this.o.wds.patch(rid, ref.name, patch, { type: 'merge', namespace: ns, subresource: 'status' });
      } catch (e) {
        // No status subresource: `.status` is part of the main resource.
        if (!isNotFound(e)) throw e;
        await this.o.wds.patch(rid, ref.name, patch, { type: 'merge', namespace: ns });
      }
    }
    if (action.removeLabels.length) await labels(action.removeLabels, null);
    this.o.log.debug({ object: key, status: action.status !== undefined }, 'reported state written');
  }
}
