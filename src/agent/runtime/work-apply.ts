/**
 * Carries out the pure decisions of `manifestwork/apply.ts` against the WEC: one manifest's write
 * (decideApply) and one applied object's removal (decideRemoval). A write that meets a stale cache
 * (AlreadyExists, a resourceVersion conflict) re-reads the object once and decides again.
 */
import type { KObject, OwnerReference } from '../../api/meta.js';
import type { ApiResource } from '../../kube/discovery.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from '../../kube/errors.js';
import { isSubset, jsonEqual } from '../common/json.js';
import { decideApply, decideRemoval, type ApplyAction, type AppliedWorkRef } from '../manifestwork/apply.js';
import type { ManifestIdentity } from '../manifestwork/identity.js';
import type { ManifestPlan, RemovalStep } from '../manifestwork/plan.js';
import type { ManifestOutcome } from '../manifestwork/status.js';
import type { SpokeObjects } from './work-spoke-objects.js';

export interface WorkIo {
  spoke: DynamicClient;
  objects: SpokeObjects;
  signal: AbortSignal;
}

export interface ApplyResult extends ManifestOutcome {
  /** A server-side apply conflict: reported, and not retried until something changes. */
  ssaConflict?: boolean;
}

export const resourceIdOf = (
  id: Pick<ManifestIdentity, 'group' | 'version' | 'resource' | 'namespaced'>,
): ResourceId => ({
  group: id.group,
  version: id.version,
  resource: id.resource,
  namespaced: id.namespaced,
});

/** The API server's message (what OCM puts in conditions), else the error text. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.status?.message || e.message;
  return e instanceof Error ? e.message : String(e);
}

const specOf = (o: KObject): KObject => {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
};

/**
 * Whether a server-side apply of `object` would change nothing the manifest says: every field and
 * label/annotation present with the same value, and this work's ownerReference present exactly
 * when the manifest wants it. Lets resyncs skip the request; a new work generation always applies,
 * so fields dropped from a manifest are released.
 */
export function ssaUpToDate(object: KObject, live: KObject, ownerUid: string): boolean {
  const want = object.metadata ?? {};
  const have = live.metadata ?? {};
  const ours = (refs: readonly OwnerReference[] | undefined) => (refs ?? []).some((r) => r.uid === ownerUid);
  return (
    isSubset(specOf(object), specOf(live)) &&
    isSubset(want.labels ?? {}, have.labels ?? {}) &&
    isSubset(want.annotations ?? {}, have.annotations ?? {}) &&
    (want.ownerReferences ?? []).every((w) => (have.ownerReferences ?? []).some((h) => jsonEqual(h, w))) &&
    ours(want.ownerReferences) === ours(have.ownerReferences)
  );
}

/** Applies one planned manifest (which must have an identity and no error or wait). */
export async function applyManifest(
  io: WorkIo,
  step: ManifestPlan,
  owner: AppliedWorkRef,
  forceUpdate: boolean,
): Promise<ApplyResult> {
  const id = step.id!;
  const res = resourceIdOf(id);
  const namespace = id.namespaced ? id.namespace : undefined;
  let live = io.objects.get(res, id.namespace, id.name);
  for (let attempt = 0; ; attempt++) {
    let action: ApplyAction = decideApply(step, live, owner, { forceUpdate });
    if (action.type === 'apply' && !forceUpdate && live && ssaUpToDate(action.object, live, owner.uid))
      action = { type: 'none' };
    try {
      switch (action.type) {
        case 'none':
          if (step.strategy.type === 'ReadOnly' && !live)
            return { applyError: `${id.resource} "${id.name}" not found` };
          return { applied: true, live };
        case 'wait':
        case 'error':
          return { applyError: action.message, live };
        case 'create':
          live = await io.spoke.create(res, action.object, { namespace, signal: io.signal });
          break;
        case 'update':
          live = await io.spoke.update(res, action.object, { namespace, signal: io.signal });
          break;
        case 'patch':
          live = await io.spoke.patch(res, id.name, action.patch, {
            type: 'merge',
            namespace,
            signal: io.signal,
          });
          break;
        case 'apply':
          live = await io.spoke.apply(res, action.object, {
            namespace,
            fieldManager: action.fieldManager,
            force: action.force,
            signal: io.signal,
          });
          break;
      }
      io.objects.note(res, live);
      return { applied: true, live };
    } catch (e) {
      if (io.signal.aborted) throw e;
      const stale =
        action.type !== 'apply' &&
        (isAlreadyExists(e) || isConflict(e) || (isNotFound(e) && action.type !== 'create'));
      if (attempt === 0 && stale) {
        live = await io.objects.fetch(res, id.namespace, id.name, io.signal);
        continue;
      }
      return { applyError: errorText(e), live, ssaConflict: action.type === 'apply' && isConflict(e) };
    }
  }
}

/**
 * Removes (or disowns) one previously applied object. `info` is the served resource it belongs
 * to; undefined means the kind is no longer served, so the object is gone with it. Resolves
 * 'pending' while the object still exists (e.g. being finalized).
 */
export async function removeApplied(
  io: WorkIo,
  step: RemovalStep,
  owner: AppliedWorkRef,
  info: ApiResource | undefined,
): Promise<'gone' | 'pending'> {
  if (!info) return 'gone';
  const r = step.resource;
  const res: ResourceId = {
    group: info.group,
    version: info.version,
    resource: info.resource,
    namespaced: info.namespaced,
  };
  const ns = info.namespaced ? (r.namespace ?? '') : '';
  await io.objects.ensure(res, io.signal);
  let live = io.objects.get(res, ns, r.name);
  for (let attempt = 0; ; attempt++) {
    const act = decideRemoval(step, live, owner);
    try {
      switch (act.type) {
        case 'gone':
          return 'gone';
        case 'wait':
          return 'pending';
        case 'delete': {
          const out = (await io.spoke.delete(res, r.name, {
            namespace: ns || undefined,
            propagationPolicy: 'Background',
            preconditions: { uid: act.uid },
            signal: io.signal,
          })) as KObject;
          const lingering = !!out?.metadata?.deletionTimestamp && !!out.metadata.finalizers?.length;
          if (lingering) io.objects.note(res, out);
          else io.objects.forget(res, ns, r.name);
          return lingering ? 'pending' : 'gone';
        }
        case 'patch':
          io.objects.note(
            res,
            await io.spoke.patch(res, r.name, act.patch, {
              type: 'merge',
              namespace: ns || undefined,
              signal: io.signal,
            }),
          );
          return 'gone';
      }
    } catch (e) {
      if (io.signal.aborted) throw e;
      // Gone already, or replaced by another object of the same name (uid precondition failed).
      if (act.type === 'delete' && (isNotFound(e) || isConflict(e))) {
        io.objects.forget(res, ns, r.name);
        return 'gone';
      }
      if (attempt === 0 && (isNotFound(e) || isConflict(e))) {
        live = await io.objects.fetch(res, ns, r.name, io.signal);
        continue;
      }
      throw e;
    }
  }
}
