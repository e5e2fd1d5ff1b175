/**
 * The pure pieces chained the way the I/O layer will chain them, against an in-memory WEC:
 * plan → decideApply → store → simulate → status/feedback → appliedResources, then a work
 * update that drops an object → removal. Checks the engine reads our `status` feedback.
 */
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/meta.js';
import type { AppliedManifestResourceMeta, ManifestWork } from '../../api/ocm.js';
import { returnedFromManifestWorks } from '../../engine/status/rules.js';
import { simulate } from '../simulator/simulate.js';
import { decideApply, decideRemoval, type AppliedWorkRef } from './apply.js';
import { appliedResourcesOf, nextAppliedWorkStatus } from './applied.js';
import { statusFeedbackRule } from './feedback.js';
import { planWork } from './plan.js';
import { buildManifestWorkStatus, generationApplied, type ManifestOutcome } from './status.js';
import { configMap, deployment, resolve } from './test-fixtures.js';

/** A tiny WEC: objects by group/resource/namespace/name. */
class FakeWec {
  objects = new Map<string, KObject>();
  private uid = 0;
  key = (m: { group: string; resource: string; namespace: string; name: string }) =>
    `${m.group}/${m.resource}/${m.namespace}/${m.name}`;
  get(k: string) {
    return this.objects.get(k);
  }
  write(k: string, obj: KObject) {
    const old = this.objects.get(k);
    const next = structuredClone(obj);
    next.metadata = {
      ...next.metadata,
      uid: old?.metadata?.uid ?? `uid-${++this.uid}`,
      generation: (old?.metadata?.generation ?? 0) + 1,
    };
    if (old?.status) next.status = old.status;
    this.objects.set(k, next);
  }
}

describe('work agent pipeline', () => {
  it('applies, reports, and removes a dropped object', () => {
    const wec = new FakeWec();
    const owner: AppliedWorkRef = { name: 'hash-w1', uid: 'amw-uid' };
    let applied: AppliedManifestResourceMeta[] = [];
    const now = Date.parse('2024-05-01T10:00:00Z');
    const statusId = {
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      namespace: 'demo',
      name: 'web',
    };
    let work: ManifestWork = {
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      metadata: { name: 'w1', namespace: 'cluster1', generation: 1 },
      spec: {
        workload: { manifests: [deployment('web'), configMap('cfg')] },
        manifestConfigs: [
          {
            resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' },
            feedbackRules: [statusFeedbackRule()],
          },
        ],
      },
    };

    const pass = (t: number) => {
      const plan = planWork(work, applied, { resolve });
      const outcomes = new Map<number, ManifestOutcome>();
      for (const i of plan.applyOrder) {
        const step = plan.manifests[i];
        const k = wec.key(step.id!);
        const action = decideApply(step, wec.get(k), owner, { forceUpdate: !generationApplied(work) });
        if (action.type === 'create' || action.type === 'update') wec.write(k, action.object);
        // The simulator plays the Deployment controller.
        const live = wec.get(k)!;
        const sim = simulate(live, t);
        if (sim?.status) live.status = sim.status;
        outcomes.set(i, { applied: true, live });
      }
      const pending: AppliedManifestResourceMeta[] = [];
      for (const r of plan.removals) {
        const k = wec.key({
          group: r.resource.group ?? '',
          resource: r.resource.resource,
          namespace: r.resource.namespace ?? '',
          name: r.resource.name,
        });
        const act = decideRemoval(r, wec.get(k), owner);
        if (act.type === 'delete') wec.objects.delete(k);
        else if (act.type === 'wait') pending.push(r.resource);
      }
      applied = nextAppliedWorkStatus(
        { appliedResources: applied },
        appliedResourcesOf(plan, (i) => outcomes.get(i)?.live),
        pending,
      ).status.appliedResources!;
      const st = buildManifestWorkStatus({ work, plan, outcomes, now: t });
      work = { ...work, status: st.status };
      return st.changed;
    };

    expect(pass(now)).toBe(true);
    expect(wec.objects.size).toBe(2);
    expect([...wec.objects.values()].every((o) => o.metadata?.ownerReferences?.[0]?.uid === 'amw-uid')).toBe(
      true,
    );
    expect(applied.map((r) => r.name)).toEqual(['cfg', 'web']);
    const returned = returnedFromManifestWorks([work], statusId);
    expect(returned).toHaveLength(1);
    expect(returned[0]).toMatchObject({
      wec: 'cluster1',
      status: { readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 },
    });

    // A resync with nothing new writes nothing.
    const before = new Map([...wec.objects].map(([k, v]) => [k, v.metadata?.generation]));
    expect(pass(now + 60_000)).toBe(false);
    expect(new Map([...wec.objects].map(([k, v]) => [k, v.metadata?.generation]))).toEqual(before);

    // The hub drops the ConfigMap: it is deleted on the WEC and leaves appliedResources.
    work = {
      ...work,
      metadata: { ...work.metadata, generation: 2 },
      spec: { ...work.spec, workload: { manifests: [deployment('web')] } },
    };
    expect(pass(now + 120_000)).toBe(true);
    expect([...wec.objects.keys()]).toEqual(['apps/deployments/demo/web']);
    expect(applied.map((r) => r.name)).toEqual(['web']);
    expect(work.status!.resourceStatus!.manifests).toHaveLength(1);
  });
});
