/**
 * Every manifest the kind provider applies, validated by a real API server: the quickstart runs
 * against the fake world to collect exactly what kstellar would apply (ControlPlanes, the engine's
 * Secret/ServiceAccount/Deployment, the klusterlet CRD/operator/agent, namespaces), then each object
 * is created in an in-process space with fieldValidation=Strict (CRDs first) and checked once more
 * with real kubectl `apply --dry-run=server --validate=strict`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../src/api/meta.js';
import { loadCrds } from '../../src/api/crds.js';
import { DynamicClient } from '../../src/kube/dynamic.js';
import { isAlreadyExists } from '../../src/kube/errors.js';
import { kubeConfigFromString } from '../../src/kube/kubeconfig.js';
import { resourceOf } from '../../src/providers/kind/kube.js';
import { harness } from '../../src/providers/kind/testing/setup.js';
import { Space } from '../../src/space/space.js';
import { kubectlPath } from '../helpers/tools.js';

/** KubeFlex v0.9.3's ControlPlane API as the provisioning spec (§3.1) describes it. */
const CONTROL_PLANE_CRD: KObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'controlplanes.tenancy.kflex.kubestellar.org' },
  spec: {
    group: 'tenancy.kflex.kubestellar.org',
    scope: 'Cluster',
    names: {
      kind: 'ControlPlane',
      listKind: 'ControlPlaneList',
      plural: 'controlplanes',
      singular: 'controlplane',
      shortNames: ['cp', 'cps'],
    },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['type'],
                properties: {
                  type: { type: 'string', enum: ['k8s', 'ocm', 'vcluster', 'host', 'external', 'k3s'] },
                  backend: { type: 'string', enum: ['shared', 'dedicated'] },
                  tokenExpirationSeconds: { type: 'integer', format: 'int64' },
                  waitForPostCreateHooks: { type: 'boolean' },
                  globalVars: { type: 'object', additionalProperties: { type: 'string' } },
                  postCreateHooks: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['hookName'],
                      properties: {
                        hookName: { type: 'string' },
                        vars: { type: 'object', additionalProperties: { type: 'string' } },
                      },
                    },
                  },
                  bootstrapSecretRef: {
                    type: 'object',
                    properties: {
                      namespace: { type: 'string' },
                      name: { type: 'string' },
                      inClusterKey: { type: 'string' },
                    },
                  },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

let space: Space;
let client: DynamicClient;
let kubeconfigFile: string;
let dir: string;
let applied: { target: string; obj: KObject }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kstellar-kind-manifests-'));
  const h = harness();
  await h.provider.init({ quickstart: true });
  applied = h.world.applied;
  space = await Space.start({ dataDir: join(dir, 'space'), name: 'validate' });
  const text = space.kubeconfig();
  kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, text);
  client = DynamicClient.fromKubeConfig(kubeConfigFromString(text));
});

afterAll(async () => {
  await space?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ensureNamespace(ns: string | undefined): Promise<void> {
  if (!ns) return;
  try {
    await client.create(resourceOf('v1', 'Namespace'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

async function waitServed(crd: KObject): Promise<void> {
  const v = crd.spec.versions[0].name;
  for (let i = 0; i < 100; i++) {
    try {
      await client.list({ group: crd.spec.group, version: v, resource: crd.spec.names.plural }, { limit: 1 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${crd.metadata?.name} not served`);
}

/** Creates (or, for a name seen before in another cluster, server-side applies) with Strict validation. */
async function strictCreate(obj: KObject): Promise<void> {
  await ensureNamespace(obj.metadata?.namespace);
  const res = resourceOf(obj.apiVersion ?? '', obj.kind ?? '');
  try {
    await client.create(res, obj, { fieldValidation: 'Strict' });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    await client.apply(res, obj, { fieldManager: 'kstellar', force: true, fieldValidation: 'Strict' });
  }
}

describe('kind provider manifests against a real API server', () => {
  it('collected every kind of object the quickstart applies', () => {
    const kinds = new Set(applied.map((a) => `${a.target}:${a.obj.kind}`));
    for (const k of [
      'kind-kubeflex:ControlPlane',
      'kind-kubeflex:Secret',
      'kind-kubeflex:ServiceAccount',
      'kind-kubeflex:Deployment',
      'its1:Namespace',
      'cluster1:CustomResourceDefinition',
      'cluster1:ClusterRole',
      'cluster1:ClusterRoleBinding',
      'cluster1:Deployment',
      'cluster1:Secret',
      'cluster1:Klusterlet',
    ])
      expect(kinds, k).toContain(k);
  });

  it('creates every object with fieldValidation=Strict, CRDs first', async () => {
    const crds = [
      CONTROL_PLANE_CRD,
      ...applied.filter((a) => a.obj.kind === 'CustomResourceDefinition').map((a) => a.obj),
    ];
    for (const crd of crds) await strictCreate(crd);
    for (const crd of crds) await waitServed(crd);
    const rest = applied.filter((a) => a.obj.kind !== 'CustomResourceDefinition');
    for (const { target, obj } of rest) {
      await expect(strictCreate(obj), `${target} ${obj.kind} ${obj.metadata?.name}`).resolves.toBeUndefined();
      const back = await client.get(resourceOf(obj.apiVersion!, obj.kind!), obj.metadata!.name!, {
        namespace: obj.metadata?.namespace,
      });
      expect(back.metadata?.name).toBe(obj.metadata?.name);
    }
    // What the engine Deployment mounts and runs survived validation unchanged.
    const dep = await client.get<KObject>(resourceOf('apps/v1', 'Deployment'), 'kstellar-engine', {
      namespace: 'wds1-system',
    });
    expect(dep.spec.template.spec.containers[0].args).toEqual([
      '--wds-kubeconfig=/etc/kstellar/wds/kubeconfig',
      '--its-kubeconfig=/etc/kstellar/its/kubeconfig',
      '--wds-name=wds1',
      '--log-level=info',
    ]);
    expect(dep.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    const kl = await client.get<KObject>(
      resourceOf('operator.open-cluster-management.io/v1', 'Klusterlet'),
      'klusterlet',
    );
    expect(kl.spec.workConfiguration).toEqual({ statusSyncInterval: '10s' });
  });

  it('would catch a bad manifest: schema violations and unknown fields are refused', async () => {
    const bad = {
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'Klusterlet',
      metadata: { name: 'bad' },
      spec: { clusterName: 'Not_A_Name' },
    };
    await expect(strictCreate(bad)).rejects.toThrow(/clusterName/);
    const dep = structuredClone(
      applied.find((a) => a.obj.kind === 'Deployment' && a.obj.metadata?.name === 'kstellar-engine')!.obj,
    );
    dep.metadata!.name = 'typo';
    dep.spec.template.spec.containers[0].imagePullPolic = 'Always';
    await expect(strictCreate(dep)).rejects.toThrow(/imagePullPolic/);
  });

  it('passes real kubectl apply --server-side --dry-run=server --validate=strict', async () => {
    const docs = applied
      .filter((a) => a.obj.kind !== 'CustomResourceDefinition')
      .map((a) => stringify(a.obj));
    const file = join(dir, 'all.yaml');
    writeFileSync(file, docs.join('---\n'));
    const r = await execa(
      kubectlPath(),
      [
        '--kubeconfig',
        kubeconfigFile,
        'apply',
        '--server-side',
        '--force-conflicts',
        '--field-manager=kstellar',
        '--dry-run=server',
        '--validate=strict',
        '-f',
        file,
      ],
      {
        reject: false,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/deployment.apps\/kstellar-engine serverside-applied \(server dry run\)/);
    expect(r.stdout).toMatch(
      /klusterlet.operator.open-cluster-management.io\/klusterlet serverside-applied \(server dry run\)/,
    );
  });

  it('accepts the ManagedCluster patches registration sends (accept, labels)', async () => {
    const mcCrd = loadCrds().find(
      (c) => c.metadata?.name === 'managedclusters.cluster.open-cluster-management.io',
    )!;
    await strictCreate(mcCrd);
    await waitServed(mcCrd);
    const res = resourceOf('cluster.open-cluster-management.io/v1', 'ManagedCluster');
    await client.create(res, {
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name: 'cluster1' },
      spec: { hubAcceptsClient: false },
    });
    // The same bodies steps-wec.ts sends.
    const patches = [
      { spec: { hubAcceptsClient: true } },
      { metadata: { labels: { 'location-group': 'edge', name: 'cluster1' } } },
    ];
    for (const p of patches)
      await client.patch(res, 'cluster1', p, { type: 'merge', fieldValidation: 'Strict' });
    const mc = await client.get<KObject>(res, 'cluster1');
    expect(mc.spec.hubAcceptsClient).toBe(true);
    expect(mc.metadata?.labels).toEqual({ 'location-group': 'edge', name: 'cluster1' });
  });
});
