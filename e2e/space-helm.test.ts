import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startSpaceProcess, tempDir, removeDir, type SpaceProcess } from '../test/helpers/space-process.js';
import { ensureTools, ROOT } from '../test/helpers/tools.js';
import { Kubectl } from './helpers/kubectl.js';
import { Helm } from './helpers/helm.js';

/**
 * Real helm 3 and helm 4 binaries against a space: the whole release life cycle of a chart with
 * every common kind, a CRD in `crds/` and a custom resource of it. helm 3 writes with POST and
 * three-way strategic merge patches, helm 4 with server-side apply; both keep their releases in
 * protobuf-encoded Secrets. State is checked by reading the objects back with kubectl.
 * No `--wait`: a space runs no controllers, so workloads never become ready (docs).
 */

const CHART = join(ROOT, 'e2e', 'fixtures', 'chart');
const CRD = 'gadgets.demo.kstellar.io';
/** Every object the chart's templates render, by `kubectl get` resource and name suffix. */
const TEMPLATE_OBJECTS: [string, string][] = [
  ['deployment.apps', 'web'],
  ['service', 'svc'],
  ['configmap', 'cfg'],
  ['secret', 'creds'],
  ['serviceaccount', 'sa'],
  ['role.rbac.authorization.k8s.io', 'reader'],
  ['rolebinding.rbac.authorization.k8s.io', 'reader'],
  ['gadget.demo.kstellar.io', 'gadget'],
];
const UPGRADE_VALUES = [
  '--set',
  'replicas=3',
  '--set',
  'image=nginx:1.27',
  '--set',
  'message=bye',
  '--set',
  'metrics.enabled=false',
  '--set',
  'gadget.size=5',
];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

for (const major of [3, 4] as const) {
  describe(`helm ${major} against a space`, () => {
    const rel = `demo${major}`;
    const ns = `helm${major}`;
    let space: SpaceProcess;
    let scratch: string;
    let k: Kubectl;
    let helm: Helm;

    // kubectl hides managedFields unless asked; some assertions need them.
    const get = (kind: string, suffix: string) =>
      k.json(['get', kind, `${rel}-${suffix}`, '-n', ns, '--show-managed-fields']);
    const releaseSecrets = async () =>
      (await k.json(['get', 'secrets', '-n', ns, '-l', `owner=helm,name=${rel}`])).items as any[];
    const rvs = async () =>
      Object.fromEntries(
        await Promise.all(
          TEMPLATE_OBJECTS.filter(([kind]) => kind !== 'secret').map(async ([kind, s]) => [
            kind,
            (await get(kind, s)).metadata.resourceVersion as string,
          ]),
        ),
      );

    beforeAll(async () => {
      const tools = ensureTools();
      space = await startSpaceProcess({ name: `e2e-helm${major}` });
      scratch = tempDir(`kstellar-helm${major}-`);
      k = new Kubectl(space.kubeconfig, join(scratch, 'kubectl'), tools.kubectl);
      helm = new Helm(major === 3 ? tools.helm3 : tools.helm4, space.kubeconfig, join(scratch, 'helm'));
    });

    afterAll(async () => {
      await space?.stop();
      if (space) removeDir(space.dataDir);
      if (scratch) removeDir(scratch);
    });

    it('install creates the CRD from crds/, every templated object and the release secret', async () => {
      const r = await helm.run(['install', rel, CHART, '-n', ns, '--create-namespace']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`NAME: ${rel}`);
      expect(r.stdout).toMatch(/^STATUS: deployed$/m);
      expect(r.stdout).toMatch(/^REVISION: 1$/m);

      expect((await k.json(['get', 'ns', ns])).status.phase).toBe('Active');
      const crd = await k.json(['get', 'crd', CRD]);
      expect(crd.status.conditions).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]),
      );

      const dep = await get('deployment.apps', 'web');
      expect(dep.spec.replicas).toBe(1);
      expect(dep.metadata.generation).toBe(1);
      expect(dep.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
      expect(dep.metadata.annotations).toMatchObject({
        'meta.helm.sh/release-name': rel,
        'meta.helm.sh/release-namespace': ns,
      });
      const c = dep.spec.template.spec.containers[0];
      expect(c.image).toBe('nginx:1.25');
      expect(c.ports).toEqual([
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ]);
      expect(c.envFrom).toEqual([{ configMapRef: { name: `${rel}-cfg` } }]);
      expect(dep.spec.template.spec.serviceAccountName).toBe(`${rel}-sa`);
      // helm 3 writes with POST/PATCH (Update entries), helm 4 with server-side apply.
      expect(dep.metadata.managedFields).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ manager: 'helm', operation: major === 3 ? 'Update' : 'Apply' }),
        ]),
      );

      const svc = await get('service', 'svc');
      expect(svc.spec.clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
      expect(svc.spec.selector).toEqual({
        'app.kubernetes.io/name': 'kst-demo',
        'app.kubernetes.io/instance': rel,
      });

      const cm = await get('configmap', 'cfg');
      expect(cm.data).toEqual({ message: 'hello' });
      expect(cm.metadata.annotations['demo.kstellar.io/scrape']).toBe('true');

      const secret = await get('secret', 'creds');
      expect(secret.type).toBe('Opaque');
      expect(secret.data).toEqual({ password: b64('pw-hello') });
      expect(secret.stringData).toBeUndefined();

      await get('serviceaccount', 'sa');
      const role = await get('role.rbac.authorization.k8s.io', 'reader');
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      ]);
      const rb = await get('rolebinding.rbac.authorization.k8s.io', 'reader');
      expect(rb.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: `${rel}-reader`,
      });
      expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: `${rel}-sa`, namespace: ns }]);

      const gadget = await get('gadget.demo.kstellar.io', 'gadget');
      expect(gadget.spec).toEqual({ size: 3, owner: rel });

      const secrets = await releaseSecrets();
      expect(secrets.map((s) => s.metadata.name)).toEqual([`sh.helm.release.v1.${rel}.v1`]);
      expect(secrets[0].type).toBe('helm.sh/release.v1');
      expect(secrets[0].metadata.labels).toMatchObject({
        owner: 'helm',
        name: rel,
        status: 'deployed',
        version: '1',
      });
      expect(secrets[0].data.release.length).toBeGreaterThan(100);
    });

    it('list, status and get manifest describe the deployed release', async () => {
      const list = await helm.json(['list', '-n', ns]);
      expect(list).toEqual([
        expect.objectContaining({
          name: rel,
          namespace: ns,
          revision: '1',
          status: 'deployed',
          chart: 'kst-demo-0.1.0',
          app_version: '1.0',
        }),
      ]);
      // Without -n, helm lists the kubeconfig's namespace (default), where there is nothing.
      expect(await helm.json(['list'])).toEqual([]);
      expect((await helm.json(['list', '-A'])).map((r: any) => r.name)).toEqual([rel]);

      const status = await helm.ok(['status', rel, '-n', ns]);
      expect(status).toMatch(new RegExp(`^NAME: ${rel}$`, 'm'));
      expect(status).toMatch(new RegExp(`^NAMESPACE: ${ns}$`, 'm'));
      expect(status).toMatch(/^STATUS: deployed$/m);
      expect(status).toMatch(/^REVISION: 1$/m);
      const sj = await helm.json(['status', rel, '-n', ns]);
      expect(sj.info.status).toBe('deployed');
      expect(sj.version).toBe(1);

      // The manifest holds the rendered templates (CRDs from crds/ are not part of it).
      const manifest = await helm.ok(['get', 'manifest', rel, '-n', ns]);
      const docs = parseAllDocuments(manifest)
        .map((d) => d.toJS())
        .filter(Boolean);
      const kinds = docs.map((d: any) => `${d.kind}/${d.metadata.name}`).sort();
      expect(kinds).toEqual(
        [
          `ConfigMap/${rel}-cfg`,
          `Deployment/${rel}-web`,
          `Gadget/${rel}-gadget`,
          `Role/${rel}-reader`,
          `RoleBinding/${rel}-reader`,
          `Secret/${rel}-creds`,
          `Service/${rel}-svc`,
          `ServiceAccount/${rel}-sa`,
        ].sort(),
      );
      const dep = docs.find((d: any) => d.kind === 'Deployment');
      expect(dep.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([
        8080, 9090,
      ]);
    });

    it('upgrade applies changed values and removes the port and annotation the template dropped', async () => {
      const before = await get('deployment.apps', 'web');
      const r = await helm.run(['upgrade', rel, CHART, '-n', ns, ...UPGRADE_VALUES]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Release "${rel}" has been upgraded`);
      expect(r.stdout).toMatch(/^REVISION: 2$/m);

      const dep = await get('deployment.apps', 'web');
      expect(dep.metadata.uid).toBe(before.metadata.uid);
      expect(dep.spec.replicas).toBe(3);
      expect(dep.metadata.generation).toBe(2);
      const c = dep.spec.template.spec.containers[0];
      expect(c.image).toBe('nginx:1.27');
      // The metrics port left the template, so it must leave the live object.
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      if (major === 4) {
        const mine = dep.metadata.managedFields.find(
          (m: any) => m.manager === 'helm' && m.operation === 'Apply',
        );
        expect(JSON.stringify(mine.fieldsV1)).not.toContain('9090');
      }

      const cm = await get('configmap', 'cfg');
      expect(cm.data).toEqual({ message: 'bye' });
      expect(cm.metadata.annotations['demo.kstellar.io/scrape']).toBeUndefined();
      expect(cm.metadata.annotations['meta.helm.sh/release-name']).toBe(rel);

      expect((await get('secret', 'creds')).data).toEqual({ password: b64('pw-bye') });
      expect((await get('gadget.demo.kstellar.io', 'gadget')).spec).toEqual({ size: 5, owner: rel });

      const secrets = await releaseSecrets();
      const byVersion = Object.fromEntries(
        secrets.map((s) => [s.metadata.labels.version, s.metadata.labels.status]),
      );
      expect(byVersion).toEqual({ '1': 'superseded', '2': 'deployed' });
    });

    it('an upgrade with the same values writes a revision but leaves the objects untouched', async () => {
      const before = await rvs();
      await helm.ok(['upgrade', rel, CHART, '-n', ns, ...UPGRADE_VALUES]);
      expect(await rvs()).toEqual(before);
      expect((await get('deployment.apps', 'web')).metadata.generation).toBe(2);
      expect((await releaseSecrets()).length).toBe(3);
    });

    it('rollback to revision 1 restores its values and the dropped port and annotation', async () => {
      const r = await helm.run(['rollback', rel, '1', '-n', ns]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('Rollback was a success');

      const dep = await get('deployment.apps', 'web');
      expect(dep.spec.replicas).toBe(1);
      const c = dep.spec.template.spec.containers[0];
      expect(c.image).toBe('nginx:1.25');
      expect(c.ports).toEqual([
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ]);
      const cm = await get('configmap', 'cfg');
      expect(cm.data).toEqual({ message: 'hello' });
      expect(cm.metadata.annotations['demo.kstellar.io/scrape']).toBe('true');
      expect((await get('secret', 'creds')).data).toEqual({ password: b64('pw-hello') });
      expect((await get('gadget.demo.kstellar.io', 'gadget')).spec.size).toBe(3);

      const history = await helm.json(['history', rel, '-n', ns]);
      expect(history.map((h: any) => [h.revision, h.status])).toEqual([
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'superseded'],
        [4, 'deployed'],
      ]);
      expect(history[3].description).toBe('Rollback to 1');
    });

    it('uninstall removes every templated object and every release secret, and keeps the CRD', async () => {
      const r = await helm.run(['uninstall', rel, '-n', ns]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`release "${rel}" uninstalled`);

      for (const [kind, suffix] of TEMPLATE_OBJECTS) {
        const got = await k.run(['get', kind, `${rel}-${suffix}`, '-n', ns]);
        expect(got.exitCode, `${kind} ${rel}-${suffix} still there`).toBe(1);
        expect(got.stderr).toContain('(NotFound)');
      }
      const left = await k.ok([
        'get',
        'deploy,svc,cm,secret,sa,role,rolebinding,gadgets',
        '-n',
        ns,
        '-l',
        `app.kubernetes.io/instance=${rel}`,
        '-o',
        'name',
      ]);
      expect(left).toBe('');
      expect(await releaseSecrets()).toEqual([]);
      expect(
        (await k.json(['get', 'secrets', '-n', ns])).items.map((s: any) => s.metadata.name),
      ).not.toContain(`sh.helm.release.v1.${rel}.v1`);
      expect(await helm.json(['list', '-A'])).toEqual([]);
      // helm never deletes CRDs it installed from crds/.
      expect((await k.json(['get', 'crd', CRD])).metadata.name).toBe(CRD);
    });
  });
}
