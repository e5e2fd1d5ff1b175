import type { KObject, ResourceDef } from './types.js';
import type { ObjectService } from './objects.js';
import { nowRfc3339 } from './objects.js';
import { errors } from './errors.js';
import type { Registry } from './registry.js';
import { resourcePrefix } from './keys.js';

/**
 * Namespace lifecycle (apiserver-compat.md §11): the server does what kube-controller-manager's
 * namespace controller would — delete the contents of a Terminating namespace, then drop the
 * `kubernetes` finalizer so the namespace itself goes away.
 */

export const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
export const SEEDED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function checkNamespaceDeletable(name: string): void {
  if (PROTECTED_NAMESPACES.has(name))
    throw errors.forbidden('namespaces', '', name, 'this namespace may not be deleted');
}

export function markNamespaceTerminating(ns: KObject): void {
  ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
}

/** One storage-level resource per prefix: several served versions share storage. */
function namespacedResources(registry: Registry): ResourceDef[] {
  const seen = new Set<string>();
  const out: ResourceDef[] = [];
  for (const d of registry.all()) {
    if (!d.namespaced || d.review || d.computed) continue;
    const p = resourcePrefix(d);
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(d);
  }
  return out;
}

type Cond = { type: string; status: string; reason: string; message: string; lastTransitionTime: string };

/**
 * One pass of cleanup for a Terminating namespace. Returns true when the namespace is gone (or
 * not terminating), false when content remains and another pass is needed.
 */
export async function cleanupNamespace(
  objects: ObjectService,
  registry: Registry,
  name: string,
): Promise<boolean> {
  const nsDef = registry.get('', 'v1', 'namespaces')!;
  let ns: KObject;
  try {
    ns = objects.get(nsDef, undefined, name);
  } catch {
    return true;
  }
  if (!ns.metadata?.deletionTimestamp) return true;
  const remaining: Record<string, number> = {};
  const withFinalizers = new Set<string>();
  for (const def of namespacedResources(registry)) {
    for (const o of objects.listAll(def, name)) {
      if (o.metadata?.deletionTimestamp) {
        remaining[def.resource] = (remaining[def.resource] ?? 0) + 1;
        for (const f of o.metadata.finalizers ?? []) withFinalizers.add(f);
        continue;
      }
      try {
        const r = await objects.delete(def, name, o.metadata!.name!, {
          dryRun: false,
          propagationPolicy: 'Background',
        });
        if (!r.deleted) {
          remaining[def.resource] = (remaining[def.resource] ?? 0) + 1;
          for (const f of r.object?.metadata?.finalizers ?? []) withFinalizers.add(f);
        }
      } catch (e: any) {
        if (e?.code !== 404) throw e;
      }
    }
  }
  const now = nowRfc3339();
  const left = Object.entries(remaining);
  const conds: Cond[] = [
    {
      type: 'NamespaceDeletionDiscoveryFailure',
      status: 'False',
      reason: 'ResourcesDiscovered',
      message: 'All resources successfully discovered',
      lastTransitionTime: now,
    },
    {
      type: 'NamespaceDeletionGroupVersionParsingFailure',
      status: 'False',
      reason: 'ParsedGroupVersions',
      message: 'All legacy kube types successfully parsed',
      lastTransitionTime: now,
    },
    {
      type: 'NamespaceDeletionContentFailure',
      status: 'False',
      reason: 'ContentDeleted',
      message: 'All content successfully deleted, may be waiting on finalization',
      lastTransitionTime: now,
    },
    left.length
      ? {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${left.map(([r, n]) => `${r} has ${n} resource instances`).join(', ')}`,
          lastTransitionTime: now,
        }
      : {
          type: 'NamespaceContentRemaining',
          status: 'False',
          reason: 'ContentRemoved',
          message: 'All content successfully removed',
          lastTransitionTime: now,
        },
    withFinalizers.size
      ? {
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${[...withFinalizers].sort().join(', ')}`,
          lastTransitionTime: now,
        }
      : {
          type: 'NamespaceFinalizersRemaining',
          status: 'False',
          reason: 'ContentHasNoFinalizers',
          message: 'All content-preserving finalizers finished',
          lastTransitionTime: now,
        },
  ];
  const opts = { dryRun: false, fieldValidation: 'Ignore' as const, fieldManager: 'namespace-controller' };
  if (left.length) {
    await objects.modify(nsDef, undefined, name, { ...opts, subresource: 'status' }, (cur) => {
      const prev: Cond[] = cur.status?.conditions ?? [];
      const merged = conds.map((c) => {
        const p = prev.find((x) => x.type === c.type);
        return p && p.status === c.status && p.reason === c.reason && p.message === c.message ? p : c;
      });
      return { ...cur, status: { ...cur.status, phase: 'Terminating', conditions: merged } };
    });
    return false;
  }
  // Empty: remove the `kubernetes` finalizer; the write deletes the namespace when nothing else holds it.
  await objects.modify(nsDef, undefined, name, { ...opts, subresource: 'finalize' }, (cur) => ({
    ...cur,
    spec: { ...cur.spec, finalizers: (cur.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes') },
  }));
  return true;
}
