import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BINDING, BINDING_POLICY, NAMESPACE } from '../../src/api/gvr.js';
import type { Binding } from '../../src/api/control.js';
import { createPolicy, eventually, startEngineEnv, type EngineEnv } from './helpers/engine-env.js';

/**
 * A2 / A3 (kubestellar-semantics.md §2.3, §6.9): how the namespace tests of a clause treat
 * cluster-scoped objects. `namespaces: ["*"]` and an empty namespaceSelector `{}` let them
 * through; naming a namespace, or a non-empty namespaceSelector, never selects a cluster-scoped
 * object, not even the Namespace object of that name.
 */

const CLUSTER_ROLES = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const SEL = 'test.kubestellar.io/scope';

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1']);
  const labels = { [SEL]: 'yes' };
  await env.wds.create(NAMESPACE, { metadata: { name: 'nginx', labels } });
  await env.wds.create(CLUSTER_ROLES, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'scoped-reader', labels },
    rules: [],
  });
  await env.wds.create(
    CONFIGMAPS,
    { metadata: { name: 'cm', namespace: 'nginx', labels }, data: { a: '1' } },
    { namespace: 'nginx' },
  );
});
afterAll(async () => env?.close());

/** `resource/[namespace/]name` of every object the policy's Binding lists, once it has settled. */
async function boundBy(name: string, clause: Record<string, unknown>): Promise<string[]> {
  await createPolicy(env.wds, name, {
    clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
    downsync: [{ objectSelectors: [{ matchLabels: { [SEL]: 'yes' } }], ...clause }],
  });
  const b = await eventually(async () => {
    const x = await env.wds.get<Binding>(BINDING, name);
    // The Binding lists at least the cluster; wait until the transport has seen this generation.
    return x.status?.observedGeneration === x.metadata.generation && x;
  }, `Binding ${name}`);
  await env.wds.delete(BINDING_POLICY, name);
  const w = b.spec?.workload;
  return [
    ...(w?.clusterScope ?? []).map((e) => `${e.resource}/${e.name}`),
    ...(w?.namespaceScope ?? []).map((e) => `${e.resource}/${e.namespace}/${e.name}`),
  ].sort();
}

const ALL = ['clusterroles/scoped-reader', 'configmaps/nginx/cm', 'namespaces/nginx'];

describe('engine: cluster-scoped objects and namespace tests', () => {
  it('A2: namespaces ["*"] selects cluster-scoped objects; namespaces ["nginx"] does not select Namespace nginx', async () => {
    expect(await boundBy('a2-star', { namespaces: ['*'] })).toEqual(ALL);
    expect(await boundBy('a2-named', { namespaces: ['nginx'] })).toEqual(['configmaps/nginx/cm']);
  });

  it('A3: namespaceSelectors [{}] passes cluster-scoped objects; a non-empty one never does', async () => {
    expect(await boundBy('a3-empty', { namespaceSelectors: [{}] })).toEqual(ALL);
    expect(await boundBy('a3-labels', { namespaceSelectors: [{ matchLabels: { [SEL]: 'yes' } }] })).toEqual([
      'configmaps/nginx/cm',
    ]);
    // One empty selector among others is enough for cluster-scoped objects.
    expect(await boundBy('a3-mixed', { namespaceSelectors: [{ matchLabels: { [SEL]: 'no' } }, {}] })).toEqual(
      ALL,
    );
  });
});
