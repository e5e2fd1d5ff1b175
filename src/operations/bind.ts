/**
 * `kstellar bind`: create or update a BindingPolicy, preview what it would select without
 * writing anything, and wait until what it selects is applied and available everywhere.
 */
import type { BindingPolicy } from '../api/control.js';
import { BINDING_POLICY, MANAGED_CLUSTER, NAMESPACE } from '../api/gvr.js';
import type { KObject } from '../api/meta.js';
import { clusterMatches, compilePolicy, evaluatePolicy } from '../engine/binding/match.js';
import { isCandidateResource } from '../engine/binding/universe.js';
import type { ApiResource } from '../kube/discovery.js';
import type { DynamicClient } from '../kube/dynamic.js';
import { isNotFound } from '../kube/errors.js';
import { policyDelivery, type DeliveryRow, type ObjectRef, type PolicyDelivery } from './delivery.js';

export const BIND_FIELD_MANAGER = 'kstellar-bind';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

/** Server-side applies the policy (the flags own its whole spec); says what changed. */
export async function applyPolicy(wds: DynamicClient, policy: BindingPolicy): Promise<ApplyResult> {
  let before: BindingPolicy | undefined;
  try {
    before = await wds.get<BindingPolicy>(BINDING_POLICY, policy.metadata!.name!);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const after = await wds.apply<BindingPolicy>(BINDING_POLICY, policy, {
    fieldManager: BIND_FIELD_MANAGER,
    force: true,
  });
  if (!before) return 'created';
  return after.metadata?.generation !== before.metadata?.generation ||
    JSON.stringify(after.metadata?.labels ?? {}) !== JSON.stringify(before.metadata?.labels ?? {})
    ? 'configured'
    : 'unchanged';
}

export interface Preview {
  clusters: string[];
  objects: ObjectRef[];
}

/** What the policy would select now, computed with the engine's own matching, writing nothing. */
export async function previewPolicy(
  wds: DynamicClient,
  its: DynamicClient,
  policy: BindingPolicy,
  served: readonly ApiResource[],
): Promise<Preview> {
  const compiled = compilePolicy(policy);
  const mcs = await its.list<KObject>(MANAGED_CLUSTER);
  const clusters = mcs.items
    .filter((c) => clusterMatches(compiled, c.metadata?.labels))
    .map((c) => c.metadata!.name!)
    .sort();
  const clauses = policy.spec?.downsync ?? [];
  // Only list resources some clause could select.
  const candidates = served.filter(
    (r) =>
      isCandidateResource(r) &&
      clauses.some(
        (c) =>
          (c.apiGroup === undefined || c.apiGroup === null || c.apiGroup === r.group) &&
          (!c.resources?.length || c.resources.includes('*') || c.resources.includes(r.resource)),
      ),
  );
  const nsLabels = new Map(
    (await wds.list<KObject>(NAMESPACE)).items.map((n) => [n.metadata!.name!, n.metadata?.labels ?? {}]),
  );
  const objects: ObjectRef[] = [];
  for (const r of candidates) {
    const list = await wds.list<KObject>(r);
    for (const o of list.items) {
      const namespace = o.metadata?.namespace ?? '';
      const info = {
        group: r.group,
        version: r.version,
        resource: r.resource,
        kind: r.kind,
        namespace,
        name: o.metadata!.name!,
        labels: o.metadata?.labels,
        namespaceLabels: namespace ? nsLabels.get(namespace) : undefined,
      };
      if (evaluatePolicy(compiled, info)) objects.push({ ...info });
    }
  }
  objects.sort((a, b) =>
    `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`),
  );
  return { clusters, objects };
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  onProgress?: (d: PolicyDelivery, pending: DeliveryRow[]) => void;
}

export interface WaitResult {
  ok: boolean;
  delivery: PolicyDelivery;
  /** Rows not yet available (on timeout), or failed. */
  pending: DeliveryRow[];
}

/**
 * Polls until the engine has resolved the policy's current generation and every (object,
 * cluster) pair it selects is applied, and available where the kind has a notion of it.
 */
export async function waitForPolicy(
  wds: DynamicClient,
  its: DynamicClient,
  wdsName: string,
  policyName: string,
  served: readonly ApiResource[],
  o: WaitOptions,
): Promise<WaitResult> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const d = await policyDelivery(wds, its, wdsName, policyName, served);
    const pending = d.rows.filter((r) => r.state !== 'available');
    o.onProgress?.(d, pending);
    if (d.resolved && !pending.length && !d.errors.length) return { ok: true, delivery: d, pending };
    if (Date.now() >= deadline || o.signal?.aborted) return { ok: false, delivery: d, pending };
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
  }
}
