import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import { BINDING, BINDING_POLICY, CUSTOM_RESOURCE_DEFINITION, NAMESPACE } from '../../src/api/gvr.js';
import type { Binding } from '../../src/api/control.js';
import { ApiError } from '../../src/kube/errors.js';
import { DynamicInformers } from '../../src/engine/runtime/dynamic-informers.js';
import { WorkloadWatcher } from '../../src/engine/controllers/workload.js';
import { informersRunnable } from '../../src/engine/controllers/uncapped.js';
import {
  createPolicy,
  eventually,
  manifestOf,
  startEngineEnv,
  type EngineEnv,
} from './helpers/engine-env.js';

/**
 * The engine's CRDs and CRD-driven watching (kubestellar-semantics.md §6.7):
 * INT-01, BindingPolicy validation by the API server on the CRD the engine installed (strict
 * field validation, as the reference test creates); INT-02, custom resources are watched while
 * their CRD serves them and forgotten when it goes. The reference watches every served version
 * (initial + 2 GVRs); we watch the preferred one only ([IMPROVE] §8), so one GVR is added.
 */

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv(['cluster1']);
});
afterAll(async () => env?.close());

const strictCreate = (name: string, spec: unknown) =>
  env.wds.create(
    BINDING_POLICY,
    { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name }, spec },
    { fieldValidation: 'Strict' },
  );

/** The rejection of a strict create: HTTP code and message. */
const rejection = async (name: string, spec: unknown) => {
  const e = await strictCreate(name, spec).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `${JSON.stringify(spec)} should be rejected`).toBeInstanceOf(ApiError);
  return { code: (e as ApiError).code, message: (e as Error).message };
};

describe('INT-01: BindingPolicy schema validation on the installed CRD', () => {
  it('rejects unknown fields and clauses without a selection field; accepts resources ["*"]', async () => {
    expect(await rejection('junk', { junk: 1 })).toMatchObject({
      code: 400,
      message: expect.stringContaining('junk'),
    });
    expect(await rejection('junq', { downsync: [{ junq: true }] })).toMatchObject({
      code: 400,
      message: expect.stringContaining('junq'),
    });
    expect((await rejection('create-only', { downsync: [{ createOnly: true }] })).code).toBe(422);
    expect(
      await rejection('status-collection', {
        downsync: [{ statusCollection: { statusCollectors: ['phred'] } }],
      }),
    ).toMatchObject({ code: 400, message: expect.stringContaining('statusCollection') });
    // JSON null does not count as the presence of a selection field.
    expect((await rejection('null-group', { downsync: [{ apiGroup: null }] })).code).toBe(422);

    const ok = await strictCreate('everything', { downsync: [{ resources: ['*'] }] });
    expect(ok.spec).toEqual({ downsync: [{ resources: ['*'] }] });
    await env.wds.delete(BINDING_POLICY, 'everything');
  });

  it('checks label patterns and operators in clusterSelectors only', async () => {
    const inClusters = (sel: unknown) => ({ clusterSelectors: [sel], downsync: [{ resources: ['*'] }] });
    for (const [name, sel] of [
      ['bad-value', { matchLabels: { name: 'edgeplatform-test-wec1, edgeplatform-test-wec2' } }],
      ['bad-key', { matchExpressions: [{ key: '-model', operator: 'Exists' }] }],
      ['bad-operator', { matchExpressions: [{ key: 'gpu', operator: 'OutOf', values: ['a'] }] }],
      ['bad-values', { matchExpressions: [{ key: 'gpu', operator: 'In', values: ['H100,A100'] }] }],
      ['no-operator', { matchExpressions: [{ key: 'gpu' }] }],
    ] as const)
      expect((await rejection(name, inClusters(sel))).code, name).toBe(422);

    await strictCreate(
      'good-selectors',
      inClusters({
        matchLabels: { 'sub.do-main.test/0.9-5_Xy': 'This-is_1.test' },
        matchExpressions: [
          { key: 'available.nvidia.models/EST_26-Apr.2024', operator: 'In', values: ['H200'] },
        ],
      }),
    );
    // Object selectors are not pattern-checked.
    await strictCreate('loose-objects', {
      downsync: [{ objectSelectors: [{ matchLabels: { app: 'a, b' } }] }],
    });
    for (const n of ['good-selectors', 'loose-objects']) await env.wds.delete(BINDING_POLICY, n);
  });
});

const GROUP = 'synthetic-crd.com';
const cr1Crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `cr1s.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: 'cr1s', singular: 'cr1', kind: 'CR1', listKind: 'CR1List' },
    versions: ['v1alpha1', 'v2alpha1', 'v3beta1'].map((name) => ({
      name,
      served: name !== 'v3beta1',
      storage: name === 'v1alpha1',
      schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    })),
  },
};
const cr1 = (version: string) => ({ group: GROUP, version, resource: 'cr1s', namespaced: true });

describe('INT-02: CRD-driven watching', () => {
  it('watches a served multi-version CRD in its preferred version only, and stops when it is deleted', async () => {
    // The binding controller's workload watcher on its own, to read the set of watched resources.
    const informers = new DynamicInformers({ client: env.wds });
    const seen: string[] = [];
    const watcher = new WorkloadWatcher({
      client: env.wds,
      informers,
      events: {
        upsert: (r, o) => seen.push(`+${r.version}/${o.metadata?.name}`),
        remove: (r, o) => seen.push(`-${r.version}/${o.metadata?.name}`),
      },
      log: pino({ level: 'silent' }),
      debounceMs: 20,
    });
    const ac = new AbortController();
    const running = Promise.all([watcher.start(ac.signal), informersRunnable(informers).start(ac.signal)]);
    const gvrs = () =>
      watcher
        .watchedResources()
        .map((r) => `${r.group}/${r.version}/${r.resource}`)
        .sort();
    try {
      expect(await watcher.waitForSync(ac.signal)).toBe(true);
      const initial = gvrs();
      expect(initial).toContain('apps/v1/deployments');

      await env.wds.create(NAMESPACE, { metadata: { name: 'crs' } });
      await createPolicy(env.wds, 'crs', {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ apiGroup: GROUP, resources: ['cr1s'] }],
      });
      await env.wds.create(CUSTOM_RESOURCE_DEFINITION, cr1Crd);
      const added = await eventually(async () => {
        const now = gvrs();
        return now.length === initial.length + 1 && now;
      }, 'one more watched resource');
      expect(added.filter((g) => !initial.includes(g))).toEqual([`${GROUP}/v2alpha1/cr1s`]);

      // An object written through the storage version is seen (and bound) in the preferred version.
      await env.wds.create(
        cr1('v1alpha1'),
        {
          apiVersion: `${GROUP}/v1alpha1`,
          kind: 'CR1',
          metadata: { name: 'one', namespace: 'crs' },
          spec: { a: 1 },
        },
        { namespace: 'crs' },
      );
      await eventually(async () => seen.includes('+v2alpha1/one'), 'watcher event for the CR');
      const b = await eventually(async () => {
        const x = await env.wds.get<Binding>(BINDING, 'crs');
        return (x.spec?.workload?.namespaceScope?.length ?? 0) > 0 && x;
      }, 'the CR in the Binding');
      expect(b.spec!.workload!.namespaceScope).toEqual([
        expect.objectContaining({
          group: GROUP,
          version: 'v2alpha1',
          resource: 'cr1s',
          namespace: 'crs',
          name: 'one',
        }),
      ]);
      const carried = await eventually(
        async () => manifestOf(await env.works('cluster1'), 'CR1', 'one'),
        'CR work',
      );
      expect(carried).toMatchObject({ apiVersion: `${GROUP}/v2alpha1`, spec: { a: 1 } });

      await env.wds.delete(CUSTOM_RESOURCE_DEFINITION, cr1Crd.metadata.name);
      await eventually(
        async () => JSON.stringify(gvrs()) === JSON.stringify(initial),
        'back to the initial set',
      );
      expect(gvrs().some((g) => g.startsWith(`${GROUP}/`))).toBe(false);
      expect(seen).toContain('-v2alpha1/one');
      // The engine forgets the objects of the vanished resource: out of the Binding and the works.
      await eventually(async () => {
        const x = await env.wds.get<Binding>(BINDING, 'crs');
        return !x.spec?.workload?.namespaceScope?.length;
      }, 'the CR out of the Binding');
      await eventually(async () => !manifestOf(await env.works('cluster1'), 'CR1', 'one'), 'CR work deleted');
      await env.wds.delete(BINDING_POLICY, 'crs');
    } finally {
      ac.abort();
      await running;
    }
  });
});
