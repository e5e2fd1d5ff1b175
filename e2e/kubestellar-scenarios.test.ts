import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Kubectl } from './helpers/kubectl.js';
import { tempDir } from '../test/helpers/space-process.js';
import {
  EDGE,
  NAME_LABEL,
  WECS,
  byName,
  cluster,
  ctx,
  deployment,
  everyWec,
  expectNames,
  namespace,
  policy,
  startKubestellarEnv,
  type Ctx,
  type KubestellarEnv,
} from './helpers/kubestellar-env.js';

/**
 * The acceptance scenarios of kubestellar-semantics.md §6.1–§6.3 that involve real WECs: an
 * in-process ITS, WDS + engine and two embedded WECs (agent + workload simulator), driven and
 * read with the real kubectl. One environment for the file; every test has its own namespace,
 * labels and policy names, so tests do not see each other's objects.
 */

let env: KubestellarEnv;
let k: Kubectl;
let wds: Ctx;
let its: Ctx;
const wec: Record<string, Ctx> = {};

/**
 * KSTELLAR_E2E_KUBECONFIG runs the same scenarios against an existing installation whose
 * kubeconfig has the contexts wds1, its1, cluster1 and cluster2 (the kind workflow does this).
 */
const external = process.env.KSTELLAR_E2E_KUBECONFIG;

beforeAll(async () => {
  if (external) k = new Kubectl(external, tempDir('kstellar-e2e-external-'));
  else {
    env = await startKubestellarEnv();
    k = env.kubectl;
  }
  wds = ctx(k, 'wds1');
  its = ctx(k, 'its1');
  for (const w of WECS) wec[w] = ctx(k, w);
});
afterAll(async () => env?.close());

/** Namespace `ns` and the §6.0 Deployment `nginx` (labelled like the namespace) in the WDS. */
async function nginxIn(ns: string, extraLabels: Record<string, string> = {}): Promise<void> {
  await wds.apply(namespace(ns), deployment(ns, 'nginx', { [NAME_LABEL]: ns, ...extraLabels }));
}

/** A namespace delivered to both WECs by its own policy `<ns>-ns` (for tests whose policies pick clusters). */
async function deliveredNamespace(ns: string): Promise<void> {
  await wds.apply(
    namespace(ns),
    policy(`${ns}-ns`, EDGE, [{ resources: ['namespaces'], objectSelectors: byName(ns) }]),
  );
  await eventually(
    async () => {
      for (const w of WECS) if (!(await wec[w].get(['namespace', ns]))) return false;
      return true;
    },
    30_000,
    `namespace ${ns} in both WECs`,
  );
}

const deploymentsIn = (ns: string, want: Record<string, string[]>, what: string) =>
  expectNames(k, 'deployments', ns, want, what);

/** The manifest delivering `kind ns/name` to `cluster`, with its ManifestWork. */
async function manifestFor(clusterName: string, kind: string, ns: string, name: string) {
  const list = await its.json<{ items: any[] }>('-n', clusterName, 'get', 'manifestworks');
  for (const w of list.items)
    for (const m of w.spec?.workload?.manifests ?? [])
      if (m.kind === kind && m.metadata?.name === name && (m.metadata?.namespace ?? '') === ns)
        return { work: w, manifest: m };
  return undefined;
}

describe('§6.1 multiple WECs', () => {
  it('E2E-01: a CustomTransform removes a label from the WEC copies; deleting it re-propagates', async () => {
    const ns = 'e01';
    const testLabel = 'test.kubestellar.io/test-label';
    // The transform exists before anything is delivered, as in the reference suite, where it
    // lands before the transport's first write. (Under OCM's default Update strategy a label that
    // a later transform drops stays on the WEC: the agent merges labels, it never removes them.)
    await wds.apply({
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'CustomTransform',
      metadata: { name: 'test' },
      spec: { apiGroup: 'apps', resource: 'deployments', remove: [`$.metadata.labels["${testLabel}"]`] },
    });
    await nginxIn(ns, { [testLabel]: 'here' });
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    const labelsIn = async (c: Ctx) =>
      (await c.json('-n', ns, 'get', 'deployment', 'nginx')).metadata.labels ?? {};
    for (const w of WECS) expect(await labelsIn(wec[w])).toEqual({ [NAME_LABEL]: ns });
    expect(await labelsIn(wds)).toEqual({ [NAME_LABEL]: ns, [testLabel]: 'here' });

    // A transform change re-propagates: without the transform the label is delivered.
    await wds.ok('delete', 'customtransform', 'test');
    await eventually(
      async () => {
        for (const w of WECS) if ((await labelsIn(wec[w]))[testLabel] !== 'here') return false;
        return true;
      },
      30_000,
      'label delivered to both WECs once the transform is gone',
    );
    await deploymentsIn(ns, everyWec(['nginx']), 'still exactly one nginx per WEC');
  });

  it('E2E-02: updates of a WDS object propagate to both WECs', async () => {
    const ns = 'e02';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    await wds.patch(['-n', ns, 'deployment', 'nginx'], { spec: { replicas: 2 } });
    await eventually(
      async () => {
        for (const w of WECS) {
          const d = await wec[w].json('-n', ns, 'get', 'deployment', 'nginx');
          // The simulator finishes the rollout of the new generation too.
          if (d.spec.replicas !== 2 || d.status?.availableReplicas !== 2) return false;
        }
        return true;
      },
      30_000,
      'replicas 2 rolled out in both WECs',
    );
  });

  it('E2E-03: createOnly objects are created but never updated or recreated', async () => {
    const ns = 'e03';
    await nginxIn(ns);
    await wds.apply(
      policy(ns, EDGE, [
        { resources: ['namespaces'], objectSelectors: byName(ns) },
        { resources: ['deployments'], objectSelectors: byName(ns), createOnly: true },
      ]),
    );
    const binding = await eventually(
      async () => {
        const b = await wds.get(['binding', ns]);
        return b?.spec?.workload?.namespaceScope?.length && b?.spec?.workload?.clusterScope?.length
          ? b
          : undefined;
      },
      30_000,
      'Binding with both objects',
    );
    expect(binding.spec.workload.clusterScope).toHaveLength(1);
    expect(binding.spec.workload.clusterScope[0]).toMatchObject({ resource: 'namespaces', name: ns });
    expect(binding.spec.workload.clusterScope[0].createOnly ?? false).toBe(false);
    expect(binding.spec.workload.namespaceScope).toHaveLength(1);
    expect(binding.spec.workload.namespaceScope[0]).toMatchObject({
      resource: 'deployments',
      name: 'nginx',
      createOnly: true,
    });

    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    const uids: Record<string, string> = {};
    for (const w of WECS) {
      const d = await wec[w].json('-n', ns, 'get', 'deployment', 'nginx');
      expect(d.spec.replicas).toBe(1);
      uids[w] = d.metadata.uid;
    }

    await wds.patch(['-n', ns, 'deployment', 'nginx'], { spec: { replicas: 2 } });
    // Instead of the suite's 30 s sleep: wait until each WEC's agent has applied the work
    // generation that carries replicas 2 (Applied observed at the current generation).
    for (const w of WECS)
      await eventually(
        async () => {
          const f = await manifestFor(w, 'Deployment', ns, 'nginx');
          const applied = f?.work.status?.conditions?.find((c: any) => c.type === 'Applied');
          return (
            f?.manifest.spec.replicas === 2 &&
            applied?.status === 'True' &&
            applied.observedGeneration === f.work.metadata.generation
          );
        },
        30_000,
        `the work with replicas 2 applied in ${w}`,
      );
    for (const w of WECS) {
      const d = await wec[w].json('-n', ns, 'get', 'deployment', 'nginx');
      expect(d.spec.replicas).toBe(1);
      expect(d.metadata.uid).toBe(uids[w]);
    }

    await wds.apply(
      deployment(ns, 'nginy', { [NAME_LABEL]: ns }),
      deployment(ns, 'enginx', { [NAME_LABEL]: ns }),
    );
    await deploymentsIn(ns, everyWec(['enginx', 'nginx', 'nginy']), '3 Deployments in both WECs');
    for (const w of WECS) {
      const d = await wec[w].json('-n', ns, 'get', 'deployment', 'nginx');
      expect([d.metadata.uid, d.spec.replicas]).toEqual([uids[w], 1]);
    }
  });

  it('E2E-04: changing the policy objectSelector removes and re-adds the objects', async () => {
    const ns = 'e04';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    await wds.patch(['bindingpolicy', ns], { spec: { downsync: [{ objectSelectors: byName('invalid') }] } });
    await deploymentsIn(ns, everyWec([]), 'no Deployment in the WECs');
    // The Namespace was unbound too (kept in the WDS).
    await eventually(
      async () => {
        for (const w of WECS) if (await wec[w].get(['namespace', ns])) return false;
        return true;
      },
      30_000,
      'namespace removed from the WECs',
    );
    expect(await wds.get(['namespace', ns])).toBeDefined();
    await wds.patch(['bindingpolicy', ns], { spec: { downsync: [{ objectSelectors: byName(ns) }] } });
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx back in both WECs');
  });

  it('E2E-05: object label changes remove and re-add the object', async () => {
    const ns = 'e05';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    await wds.ok('-n', ns, 'label', 'deployment', 'nginx', `${NAME_LABEL}=not-me`, '--overwrite');
    await deploymentsIn(ns, everyWec([]), 'relabelled nginx gone from the WECs');
    await wds.ok('-n', ns, 'label', 'deployment', 'nginx', `${NAME_LABEL}=${ns}`, '--overwrite');
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx back in both WECs');
  });

  it('E2E-06: overlapping policies deliver once; removing one keeps the object', async () => {
    const ns = 'e06';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    const uid = (await wec.cluster1.json('-n', ns, 'get', 'deployment', 'nginx')).metadata.uid;
    const worksOf = async (w: string, binding: string) =>
      (
        await its.json<{ items: any[] }>(
          '-n',
          w,
          'get',
          'manifestworks',
          '-l',
          `transport.kubestellar.io/originOwnerReferenceBindingKey=${binding}`,
        )
      ).items.length;
    await wds.apply(policy(`${ns}-2`, EDGE, [{ objectSelectors: byName(ns) }]));
    // Both policies carry the Deployment to each WEC (one work each), the WEC holds one copy.
    for (const w of WECS)
      await eventually(async () => (await worksOf(w, `${ns}-2`)) === 2, 30_000, `works of ${ns}-2 in ${w}`);
    await deploymentsIn(ns, everyWec(['nginx']), 'still one nginx per WEC');
    await wds.ok('delete', 'bindingpolicy', `${ns}-2`);
    // Give a wrong deletion the time to show: wait until the second policy's works are gone.
    for (const w of WECS)
      await eventually(
        async () => (await worksOf(w, `${ns}-2`)) === 0,
        30_000,
        `works of ${ns}-2 gone in ${w}`,
      );
    expect(await worksOf('cluster1', ns)).toBe(2);
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx kept in both WECs');
    expect((await wec.cluster1.json('-n', ns, 'get', 'deployment', 'nginx')).metadata.uid).toBe(uid);
  });

  it('E2E-07: deleting the WDS object removes it from the WECs', async () => {
    const ns = 'e07';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    await wds.ok('-n', ns, 'delete', 'deployment', 'nginx');
    await deploymentsIn(ns, everyWec([]), 'nginx gone from both WECs');
  });

  it('E2E-08: deleting the policy removes its objects from the WECs', async () => {
    const ns = 'e08';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    await wds.ok('delete', 'bindingpolicy', ns);
    await deploymentsIn(ns, everyWec([]), 'nginx gone from both WECs');
    expect(await wds.get(['-n', ns, 'deployment', 'nginx'])).toBeDefined();
  });

  it('E2E-11: labels of one selector are ANDed; patching the cluster selector moves the object', async () => {
    const ns = 'e11';
    await deliveredNamespace(ns);
    await wds.apply(
      deployment(ns, 'one', { label1: 'test1' }),
      deployment(ns, 'two', { label1: 'test1', label2: 'test2' }),
      policy(`${ns}-both-labels`, cluster('cluster1'), [
        {
          resources: ['deployments'],
          namespaces: [ns],
          objectSelectors: [{ matchLabels: { label1: 'test1', label2: 'test2' } }],
        },
      ]),
    );
    await deploymentsIn(ns, { cluster1: ['two'], cluster2: [] }, 'only two, only in cluster1');
    await wds.patch(['bindingpolicy', `${ns}-both-labels`], {
      spec: { clusterSelectors: cluster('cluster2') },
    });
    await deploymentsIn(ns, { cluster1: [], cluster2: ['two'] }, 'two moved to cluster2');
  });

  it('E2E-12: cluster selectors and object selectors are ORed', async () => {
    const ns = 'e12';
    await deliveredNamespace(ns);
    await wds.apply(
      deployment(ns, 'one', { label1: 'A' }),
      deployment(ns, 'two', { label1: 'B' }),
      deployment(ns, 'three', { label1: 'C' }),
      policy(
        `${ns}-two-cluster-selectors`,
        [
          { matchLabels: { name: 'cluster1' } },
          {
            matchExpressions: [{ key: 'name', operator: 'In', values: ['cluster1', 'cluster2', 'cluster3'] }],
          },
        ],
        [
          {
            resources: ['deployments'],
            namespaces: [ns],
            objectSelectors: [{ matchLabels: { label1: 'A' } }, { matchLabels: { label1: 'B' } }],
          },
        ],
      ),
    );
    await deploymentsIn(ns, everyWec(['one', 'two']), 'one and two in both WECs');
  });

  it('E2E-13: objectNames and objectSelectors of one clause are ANDed', async () => {
    const ns = 'e13';
    await deliveredNamespace(ns);
    await wds.apply(
      deployment(ns, 'one', { label1: 'A' }),
      deployment(ns, 'two', { label1: 'B' }),
      deployment(ns, 'three', { label1: 'C' }),
      deployment(ns, 'four', { label1: 'C' }),
      policy(`${ns}-name-and-label`, EDGE, [
        {
          resources: ['deployments'],
          namespaces: [ns],
          objectNames: ['three', 'one'],
          objectSelectors: [{ matchLabels: { label1: 'C' } }],
        },
      ]),
    );
    await deploymentsIn(ns, everyWec(['three']), 'only three in both WECs');
  });
});

describe('§6.2 singleton status', () => {
  const conditionsOf = async (ns: string, name: string) =>
    (await wds.json('-n', ns, 'get', 'deployment', name)).status?.conditions;

  it('E2E-14: the WEC status appears in the WDS object and is cleared when no cluster is selected', async () => {
    const ns = 'e14';
    await deliveredNamespace(ns);
    const app = `${ns}-singleton`;
    await wds.apply(
      deployment(ns, app, { [NAME_LABEL]: app }),
      policy(app, cluster('cluster1'), [{ objectSelectors: byName(app), wantSingletonReportedState: true }]),
    );
    await deploymentsIn(ns, { cluster1: [app], cluster2: [] }, 'singleton Deployment in cluster1 only');
    const status = await eventually(
      async () => {
        const d = await wds.json('-n', ns, 'get', 'deployment', app);
        return d.status?.availableReplicas === 1 && d.status;
      },
      30_000,
      'status.availableReplicas 1 in the WDS',
    );
    // It is the WEC's status (written there by the simulator), copied verbatim.
    const wecStatus = (await wec.cluster1.json('-n', ns, 'get', 'deployment', app)).status;
    expect(status.conditions?.length).toBeGreaterThan(0);
    expect(status).toEqual(wecStatus);

    await wds.patch(['bindingpolicy', app], { spec: { clusterSelectors: cluster('CelestialNexus') } });
    await deploymentsIn(ns, { cluster1: [], cluster2: [] }, 'singleton Deployment gone');
    await eventually(async () => (await conditionsOf(ns, app)) === undefined, 30_000, 'WDS status cleared');
  });

  it('E2E-15: only the WECs the singleton policy selects count', async () => {
    const ns = 'e15';
    await nginxIn(ns);
    await wds.apply(policy(ns, EDGE, [{ objectSelectors: byName(ns) }]));
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx in both WECs');
    // Without a singleton request nothing is written back.
    expect(await conditionsOf(ns, 'nginx')).toBeUndefined();
    await wds.apply(
      policy(`${ns}-singleton`, cluster('cluster1'), [
        { objectSelectors: byName(ns), wantSingletonReportedState: true },
      ]),
    );
    await eventually(
      async () => (await wds.json('-n', ns, 'get', 'deployment', 'nginx')).status?.availableReplicas === 1,
      30_000,
      'status from cluster1 in the WDS',
    );
    await deploymentsIn(ns, everyWec(['nginx']), 'still one nginx per WEC');
    await wds.patch(['bindingpolicy', `${ns}-singleton`], {
      spec: { clusterSelectors: cluster('CelestialNexus') },
    });
    await eventually(
      async () => (await conditionsOf(ns, 'nginx')) === undefined,
      30_000,
      'WDS status cleared',
    );
    // The other policy still delivers it everywhere.
    await deploymentsIn(ns, everyWec(['nginx']), 'nginx still in both WECs');
  });
});

describe('§6.3 object cleaning', () => {
  it('E2E-17: a NodePort Service is accepted by the WEC, which allocates its own clusterIP', async () => {
    const ns = 'e17';
    await deliveredNamespace(ns);
    const app = 'hello-service';
    await wds.apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: ns, labels: { [NAME_LABEL]: app } },
        spec: {
          type: 'NodePort',
          selector: { [NAME_LABEL]: app },
          ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
        },
      },
      policy(`${ns}-${app}`, cluster('cluster1'), [{ objectSelectors: byName(app) }]),
    );
    await expectNames(k, 'services', ns, { cluster1: [app], cluster2: [] }, 'the Service in cluster1 only');
    const inWds = await wds.json('-n', ns, 'get', 'service', app);
    const inWec = await wec.cluster1.json('-n', ns, 'get', 'service', app);
    expect(inWds.spec.clusterIP).toMatch(/^10\./);
    expect(inWec.spec.clusterIP).toMatch(/^10\./);
    expect(inWec.spec.clusterIP).not.toBe(inWds.spec.clusterIP);
    expect(inWec.spec.type).toBe('NodePort');
    expect(inWec.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    // What travels carries no address of the WDS.
    const { manifest } = (await manifestFor('cluster1', 'Service', ns, app))!;
    expect(manifest.spec.clusterIP).toBeUndefined();
    expect(manifest.spec.clusterIPs).toBeUndefined();
    expect(manifest.spec.ports[0].nodePort).toBeUndefined();
  });

  it('E2E-18: a Job with generateName arrives under its WDS name, with a selector of the WEC', async () => {
    const ns = 'e18';
    await deliveredNamespace(ns);
    const app = 'hello-job';
    await wds.apply(policy(`${ns}-${app}`, cluster('cluster1'), [{ objectSelectors: byName(app) }]));
    await wds.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { generateName: 'pi-', namespace: ns, labels: { [NAME_LABEL]: app } },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'pi', image: 'perl', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] },
            ],
            restartPolicy: 'Never',
          },
        },
        backoffLimit: 4,
      },
    });
    const [name] = await wds.names('jobs', ns);
    expect(name).toMatch(/^pi-[a-z0-9]{5}$/);
    await expectNames(k, 'jobs', ns, { cluster1: [name], cluster2: [] }, 'the Job in cluster1 only');
    const inWds = await wds.json('-n', ns, 'get', 'job', name);
    const inWec = await wec.cluster1.json('-n', ns, 'get', 'job', name);
    const uidLabel = 'batch.kubernetes.io/controller-uid';
    expect(inWds.spec.selector.matchLabels[uidLabel]).toBe(inWds.metadata.uid);
    // The WEC generated its own selector and labels for its own Job.
    expect(inWec.metadata.uid).not.toBe(inWds.metadata.uid);
    expect(inWec.spec.selector.matchLabels[uidLabel]).toBe(inWec.metadata.uid);
    expect(inWec.spec.template.metadata.labels[uidLabel]).toBe(inWec.metadata.uid);
    expect(inWec.metadata.labels[NAME_LABEL]).toBe(app);
    const { manifest } = (await manifestFor('cluster1', 'Job', ns, name))!;
    expect(manifest.metadata.generateName).toBeUndefined();
    expect(manifest.spec.selector).toBeUndefined();
    expect(manifest.spec.template.metadata?.labels?.[uidLabel]).toBeUndefined();
    // The simulator runs it to completion on the WEC.
    await eventually(
      async () => (await wec.cluster1.json('-n', ns, 'get', 'job', name)).status?.succeeded === 1,
      30_000,
      'the Job completes in cluster1',
    );
  });
});
