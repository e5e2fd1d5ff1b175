/**
 * Apply planning for one ManifestWork on the WEC (provisioning.md §2.2, §2.5): what to apply, in
 * which order, with which strategy and ownership, what must wait for a namespace or a CRD, and
 * which previously applied objects to remove because the work no longer carries them.
 */
import type { KObject } from '../../api/meta.js';
import type {
  AppliedManifestResourceMeta,
  ConditionRule,
  DeleteOption,
  FeedbackRule,
  ManifestResourceMeta,
  ManifestWork,
} from '../../api/ocm.js';
import { clone } from '../common/json.js';
import {
  identifyManifest,
  resolveConfig,
  resourceKey,
  type ManifestIdentity,
  type ResolvedStrategy,
  type ResourceKey,
  type ResourceResolver,
} from './identity.js';

/** Why a manifest cannot be applied yet; the caller retries later. */
export type ManifestWait =
  | { reason: 'NamespaceMissing'; namespace: string }
  /** The kind is not served; `providedBy` is the ordinal of a CRD in this work that defines it. */
  | { reason: 'KindNotServed'; apiVersion: string; kind: string; providedBy?: number };

export interface ManifestPlan {
  ordinal: number;
  /** For `status.resourceStatus.manifests[].resourceMeta`. */
  meta: ManifestResourceMeta;
  id?: ManifestIdentity;
  /** The object to write: the manifest minus uid/resourceVersion (and namespace when cluster-scoped). */
  desired: KObject;
  strategy: ResolvedStrategy;
  feedbackRules: FeedbackRule[];
  conditionRules: ConditionRule[];
  /**
   * Carries the AppliedManifestWork ownerReference. False for ReadOnly, under Orphan, and for
   * objects matched by SelectivelyOrphan rules (the agent removes its reference from those).
   */
  owned: boolean;
  wait?: ManifestWait;
  /** Never applicable as written (no name, no namespace for a namespaced kind, ...). */
  error?: string;
  /** Ordinals that create this manifest's namespace; apply them first, and only then this one. */
  dependsOn?: number[];
}

/** Removing a previously applied object: delete it, or only drop this work's ownerReference. */
export interface RemovalStep {
  resource: AppliedManifestResourceMeta;
  action: 'delete' | 'orphan';
}

export interface WorkPlan {
  /** One entry per manifest, by ordinal. */
  manifests: ManifestPlan[];
  /** Ordinals in apply order: Namespaces, then CRDs, then the rest, each in manifest order. */
  applyOrder: number[];
  /** Previously applied objects the work dropped (empty until the work has an Applied condition). */
  removals: RemovalStep[];
}

export interface PlanContext {
  resolve: ResourceResolver;
  /** Whether a namespace exists on the WEC (default: assume it does). */
  namespaceExists?: (namespace: string) => boolean;
}

const isNamespace = (m: KObject) => m.apiVersion === 'v1' && m.kind === 'Namespace';
const isCrd = (m: KObject) =>
  m.kind === 'CustomResourceDefinition' &&
  typeof m.apiVersion === 'string' &&
  m.apiVersion.startsWith('apiextensions.k8s.io/');

/** True when `deleteOption` leaves `r` behind when the work stops carrying it. */
export function isOrphaned(deleteOption: DeleteOption | undefined, r: ResourceKey): boolean {
  switch (deleteOption?.propagationPolicy) {
    case 'Orphan':
      return true;
    case 'SelectivelyOrphan':
      return (deleteOption.selectivelyOrphans?.orphaningRules ?? []).some(
        (rule) =>
          (rule.group ?? '') === (r.group ?? '') &&
          rule.resource === r.resource &&
          (rule.namespace ?? '') === (r.namespace ?? '') &&
          rule.name === r.name,
      );
    default:
      return false;
  }
}

/** The object to write: OCM drops a manifest's uid; a resourceVersion would break create. */
function desiredObject(manifest: KObject, id: ManifestIdentity | undefined): KObject {
  const out = clone(manifest);
  if (out.metadata) {
    delete out.metadata.uid;
    delete out.metadata.resourceVersion;
    if (id && !id.namespaced) delete out.metadata.namespace;
  }
  return out;
}

/** Plans every manifest of `work`; `previouslyApplied` is the AppliedManifestWork's appliedResources. */
export function planWork(
  work: ManifestWork,
  previouslyApplied: readonly AppliedManifestResourceMeta[] | undefined,
  ctx: PlanContext,
): WorkPlan {
  const manifests = work.spec?.workload?.manifests ?? [];
  const deleteOption = work.spec?.deleteOption;
  const nsExists = ctx.namespaceExists ?? (() => true);

  const plans: ManifestPlan[] = manifests.map((manifest, ordinal) => {
    const { meta, id, error } = identifyManifest(ordinal, manifest, ctx.resolve);
    const cfg = resolveConfig(work.spec?.manifestConfigs, id);
    const owned = cfg.strategy.type !== 'ReadOnly' && !(id && isOrphaned(deleteOption, id));
    const plan: ManifestPlan = {
      ordinal,
      meta,
      desired: desiredObject(manifest, id),
      strategy: cfg.strategy,
      feedbackRules: cfg.feedbackRules,
      conditionRules: cfg.conditionRules,
      owned,
    };
    if (id) plan.id = id;
    if (error) plan.error = error;
    return plan;
  });

  // Namespaces and CRDs this work creates itself (ReadOnly ones create nothing).
  const nsProviders = new Map<string, number>();
  const kindProviders = new Map<string, number>();
  for (const p of plans) {
    if (p.error || p.strategy.type === 'ReadOnly') continue;
    const m = manifests[p.ordinal];
    if (isNamespace(m)) nsProviders.set(m.metadata!.name!, p.ordinal);
    else if (isCrd(m) && typeof m.spec?.group === 'string' && typeof m.spec?.names?.kind === 'string')
      kindProviders.set(`${m.spec.group}/${m.spec.names.kind}`, p.ordinal);
  }

  for (const p of plans) {
    if (p.error) continue;
    if (!p.id) {
      const wait: ManifestWait = {
        reason: 'KindNotServed',
        apiVersion: manifests[p.ordinal].apiVersion!,
        kind: p.meta.kind ?? '',
      };
      const provider = kindProviders.get(`${p.meta.group ?? ''}/${p.meta.kind ?? ''}`);
      if (provider !== undefined) wait.providedBy = provider;
      p.wait = wait;
    } else if (p.id.namespaced && !nsExists(p.id.namespace)) {
      const provider = nsProviders.get(p.id.namespace);
      if (provider !== undefined && provider !== p.ordinal) p.dependsOn = [provider];
      else if (p.strategy.type !== 'ReadOnly')
        p.wait = { reason: 'NamespaceMissing', namespace: p.id.namespace };
    }
  }

  const phase = (p: ManifestPlan) =>
    isNamespace(manifests[p.ordinal]) ? 0 : isCrd(manifests[p.ordinal]) ? 1 : 2;
  const applyOrder = [...plans]
    .sort((a, b) => phase(a) - phase(b) || a.ordinal - b.ordinal)
    .map((p) => p.ordinal);

  // OCM removes dropped objects only once the work carries an Applied condition, so a work whose
  // status was never written (fresh, or rewritten by the hub) cannot trigger deletions.
  const hasApplied = (work.status?.conditions ?? []).some((c) => c.type === 'Applied');
  const removals = hasApplied ? droppedResources(plans, previouslyApplied, deleteOption) : [];
  return { manifests: plans, applyOrder, removals };
}

/**
 * Previously applied objects that no manifest identifies any more (compared by group, resource,
 * namespace and name, not version, as OCM does). A manifest whose kind is not served right now
 * still protects same-group, same-name objects: when in doubt, nothing is deleted.
 */
function droppedResources(
  plans: readonly ManifestPlan[],
  previouslyApplied: readonly AppliedManifestResourceMeta[] | undefined,
  deleteOption: DeleteOption | undefined,
): RemovalStep[] {
  const current = new Set(plans.filter((p) => p.id).map((p) => resourceKey(p.id!)));
  const unresolved = plans.filter((p) => !p.id);
  const out: RemovalStep[] = [];
  for (const r of previouslyApplied ?? []) {
    if (current.has(resourceKey(r))) continue;
    const maybeCurrent = unresolved.some(
      (p) =>
        (p.meta.group ?? '') === (r.group ?? '') &&
        p.meta.name === r.name &&
        (!p.meta.namespace || p.meta.namespace === (r.namespace ?? '')),
    );
    if (maybeCurrent) continue;
    out.push({ resource: r, action: isOrphaned(deleteOption, r) ? 'orphan' : 'delete' });
  }
  return out;
}

/** Removals when the whole ManifestWork is deleted (the AppliedManifestWork finalizer's job). */
export function planWorkDeletion(
  applied: readonly AppliedManifestResourceMeta[] | undefined,
  deleteOption: DeleteOption | undefined,
): RemovalStep[] {
  return (applied ?? []).map((resource) => ({
    resource,
    action: isOrphaned(deleteOption, resource) ? 'orphan' : 'delete',
  }));
}
