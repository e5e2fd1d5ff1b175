import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSpaceProcess, tempDir, removeDir, type SpaceProcess } from '../test/helpers/space-process.js';
import { ensureTools, ROOT } from '../test/helpers/tools.js';
import { Kubectl } from './helpers/kubectl.js';

/**
 * kubectl 1.34 against a space, part 2: the typed `create` commands and `auth` (protobuf request
 * bodies), kustomize, server-side apply (create, update, conflicts, migration from client-side
 * apply) and `kubectl diff` staying empty right after `kubectl apply` for the workload kinds.
 */

let space: SpaceProcess;
let scratch: string;
let k: Kubectl;

beforeAll(async () => {
  space = await startSpaceProcess({ name: 'e2e-kubectl2' });
  scratch = tempDir('kstellar-kubectl2-');
  k = new Kubectl(space.kubeconfig, join(scratch, 'k134'), ensureTools().kubectl);
});

afterAll(async () => {
  await space?.stop();
  if (space) removeDir(space.dataDir);
  if (scratch) removeDir(scratch);
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** `kubectl get -o json` with managedFields kept (kubectl strips them unless asked). */
function getFull(args: string[]): Promise<any> {
  return k.json(['get', ...args, '--show-managed-fields']);
}

function managers(obj: any): { manager: string; operation: string; fields: string }[] {
  return (obj.metadata.managedFields ?? []).map((m: any) => ({
    manager: m.manager,
    operation: m.operation,
    fields: JSON.stringify(m.fieldsV1 ?? {}),
  }));
}

describe('kubectl create (typed clients send protobuf)', () => {
  it('create namespace', async () => {
    const r = await k.run(['create', 'namespace', 'typed']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('namespace/typed created\n');
    const ns = await k.json(['get', 'ns', 'typed']);
    expect(ns.status.phase).toBe('Active');
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'typed' });
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
  });

  it('create configmap --from-literal', async () => {
    const r = await k.run([
      'create',
      'configmap',
      'settings',
      '-n',
      'typed',
      '--from-literal=a=1',
      '--from-literal=greeting=hello world',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('configmap/settings created\n');
    const cm = await getFull(['cm', 'settings', '-n', 'typed']);
    expect(cm.data).toEqual({ a: '1', greeting: 'hello world' });
    expect(managers(cm).map((m) => [m.manager, m.operation])).toEqual([['kubectl-create', 'Update']]);
  });

  it('create secret generic: data comes back base64-encoded, type Opaque', async () => {
    const r = await k.run([
      'create',
      'secret',
      'generic',
      'creds',
      '-n',
      'typed',
      '--from-literal=user=admin',
      '--from-literal=password=s3cr3t!#',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('secret/creds created\n');
    const s = await k.json(['get', 'secret', 'creds', '-n', 'typed']);
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({ user: b64('admin'), password: b64('s3cr3t!#') });
    expect(await k.ok(['get', 'secret', 'creds', '-n', 'typed', '-o', 'jsonpath={.data.password}'])).toBe(
      b64('s3cr3t!#'),
    );

    const docker = await k.run([
      'create',
      'secret',
      'docker-registry',
      'pull',
      '-n',
      'typed',
      '--docker-server=r.example.com',
      '--docker-username=u',
      '--docker-password=p',
    ]);
    expect(docker.exitCode, docker.stderr).toBe(0);
    const pull = await k.json(['get', 'secret', 'pull', '-n', 'typed']);
    expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(Buffer.from(pull.data['.dockerconfigjson'], 'base64').toString('utf8'));
    expect(cfg.auths['r.example.com']).toMatchObject({ username: 'u', password: 'p', auth: b64('u:p') });
  });

  it('create serviceaccount', async () => {
    const r = await k.run(['create', 'serviceaccount', 'robot', '-n', 'typed']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('serviceaccount/robot created\n');
    const sa = await k.json(['get', 'sa', 'robot', '-n', 'typed']);
    expect(sa.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(sa.metadata.namespace).toBe('typed');
  });

  it('create deployment --image --port --replicas', async () => {
    const r = await k.run([
      'create',
      'deployment',
      'web',
      '-n',
      'typed',
      '--image=nginx:1.27',
      '--port=80',
      '--replicas=2',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/web created\n');
    const d = await k.json(['get', 'deploy', 'web', '-n', 'typed']);
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(d.metadata.generation).toBe(1);
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    const c = d.spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({
      name: 'nginx',
      image: 'nginx:1.27',
      imagePullPolicy: 'IfNotPresent',
      resources: {},
    });
    expect(c[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    // Zero values from the protobuf body (e.g. an empty command list) must not appear.
    expect(c[0].command).toBeUndefined();
    expect(d.spec.template.spec.restartPolicy).toBe('Always');
    expect(d.spec.paused).toBeUndefined();
  });

  it('create job: the selector is generated from the Job uid and stamped on the template', async () => {
    const r = await k.run([
      'create',
      'job',
      'once',
      '-n',
      'typed',
      '--image=busybox:1.36',
      '--',
      'echo',
      'hi',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('job.batch/once created\n');
    const j = await k.json(['get', 'job', 'once', '-n', 'typed']);
    const uid = j.metadata.uid;
    expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(j.spec.template.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'once',
      'controller-uid': uid,
      'job-name': 'once',
    });
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    expect(j.spec.template.spec.containers[0]).toMatchObject({
      name: 'once',
      image: 'busybox:1.36',
      command: ['echo', 'hi'],
    });
  });

  it.skipIf(!existsSync('/usr/bin/kubectl'))(
    'kubectl 1.32 (/usr/bin/kubectl) creates the same way',
    async () => {
      const old = new Kubectl(space.kubeconfig, join(scratch, 'k132'), '/usr/bin/kubectl');
      await old.ok(['create', 'namespace', 'typed-old']);
      await old.ok(['create', 'configmap', 'c', '-n', 'typed-old', '--from-literal=k=v']);
      await old.ok(['create', 'secret', 'generic', 's', '-n', 'typed-old', '--from-literal=k=v']);
      await old.ok(['create', 'deployment', 'd', '-n', 'typed-old', '--image=nginx:1.27']);
      expect((await k.json(['get', 'cm', 'c', '-n', 'typed-old'])).data).toEqual({ k: 'v' });
      expect((await k.json(['get', 'secret', 's', '-n', 'typed-old'])).data).toEqual({ k: b64('v') });
      expect(
        (await k.json(['get', 'deploy', 'd', '-n', 'typed-old'])).spec.template.spec.containers[0].image,
      ).toBe('nginx:1.27');
    },
  );
});

describe('kubectl auth', () => {
  it('can-i create pods answers yes', async () => {
    const r = await k.run(['auth', 'can-i', 'create', 'pods']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('yes\n');
    const all = await k.run(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'typed']);
    expect(all.stdout).toBe('yes\n');
  });

  it('whoami shows the kubeconfig user and its groups', async () => {
    const out = await k.ok(['auth', 'whoami']);
    expect(out).toMatch(/^ATTRIBUTE\s+VALUE$/m);
    expect(out).toMatch(/^Username\s+admin$/m);
    expect(out).toMatch(/^Groups\s+\[.*system:masters.*\]$/m);
    const j = await k.json(['auth', 'whoami']);
    expect(j.kind).toBe('SelfSubjectReview');
    expect(j.status.userInfo.username).toBe('admin');
    expect(j.status.userInfo.groups).toEqual(
      expect.arrayContaining(['system:masters', 'system:authenticated']),
    );
  });
});

describe('kubectl apply -k', () => {
  const overlay = join(ROOT, 'e2e', 'fixtures', 'kustomize', 'overlay');

  it('applies an overlay with a namespace, name prefix, generated ConfigMap and a patch', async () => {
    const r = await k.run(['apply', '-k', overlay]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('namespace/kust-staging created');
    expect(r.stdout).toMatch(/^configmap\/staging-shop-settings-[a-z0-9]{10} created$/m);
    expect(r.stdout).toContain('service/staging-shop created');
    expect(r.stdout).toContain('deployment.apps/staging-shop created');

    const cms = (await k.json(['get', 'cm', '-n', 'kust-staging', '-l', 'app.kubernetes.io/name=shop']))
      .items;
    expect(cms).toHaveLength(1);
    const cmName = cms[0].metadata.name;
    expect(cmName).toMatch(/^staging-shop-settings-[a-z0-9]{10}$/);
    expect(cms[0].data).toEqual({ LOG_LEVEL: 'debug', FEATURE_X: 'off' });

    const d = await k.json(['get', 'deploy', 'staging-shop', '-n', 'kust-staging']);
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'shop', env: 'staging' });
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop' });
    const c = d.spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ configMapRef: { name: cmName } }]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' } });

    const svc = await k.json(['get', 'svc', 'staging-shop', '-n', 'kust-staging']);
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect((await k.json(['get', 'ns', 'kust-staging'])).metadata.labels.env).toBe('staging');
  });

  it('re-apply is unchanged, diff -k is empty, delete -k removes everything', async () => {
    const again = await k.run(['apply', '-k', overlay]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('deployment.apps/staging-shop unchanged');
    expect(again.stdout).toContain('service/staging-shop unchanged');

    const diff = await k.run(['diff', '-k', overlay]);
    expect(diff.stderr).toBe('');
    expect(diff.stdout).toBe('');
    expect(diff.exitCode).toBe(0);

    // The Namespace comes first in kustomize's order. Upstream's namespace controller usually
    // empties it only after kubectl has deleted the rest, the space does it at once: either way
    // the objects are gone, so a NotFound for them is not an error here.
    const del = await k.run(['delete', '-k', overlay, '--timeout=60s', '--ignore-not-found']);
    expect(del.exitCode, del.stderr).toBe(0);
    expect(del.stdout).toContain('namespace "kust-staging" deleted');
    const ns = await k.run(['get', 'ns', 'kust-staging']);
    expect(ns.exitCode).toBe(1);
    expect(ns.stderr).toContain('namespaces "kust-staging" not found');
  });
});

describe('kubectl apply of a kind: List', () => {
  it('creates every item of a v1 List', async () => {
    await k.ok(['create', 'namespace', 'lists']);
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: one
    namespace: lists
  data:
    name: one
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: two
    namespace: lists
  data:
    name: two
`;
    // kubectl always validates a v1 List client-side, against /openapi/v2 in protobuf, which
    // spaces do not serve (documented in docs/space.md): plain `apply -f` of a List fails with a
    // clear message, and `--validate=false` (server-side validation still runs) works.
    const strict = await k.run(['apply', '-f', '-'], { input: list });
    expect(strict.exitCode).not.toBe(0);
    expect(strict.stderr).toContain('--validate=false');
    const r = await k.run(['apply', '--validate=false', '-f', '-'], { input: list });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('configmap/one created\nconfigmap/two created\n');
    expect((await k.json(['get', 'cm', 'two', '-n', 'lists'])).data).toEqual({ name: 'two' });
  });
});

function ssaDeployment(o: {
  name: string;
  replicas?: number;
  image?: string;
  env?: Record<string, string>;
}): string {
  const env = Object.entries(o.env ?? {})
    .map(([n, v]) => `        - name: ${n}\n          value: "${v}"\n`)
    .join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
  namespace: ssa
  labels:
    app: ${o.name}
spec:
${o.replicas === undefined ? '' : `  replicas: ${o.replicas}\n`}  selector:
    matchLabels:
      app: ${o.name}
  template:
    metadata:
      labels:
        app: ${o.name}
    spec:
      containers:
      - name: app
        image: ${o.image ?? 'nginx:1.25'}
        ports:
        - containerPort: 80
${env ? `        env:\n${env}` : ''}`;
}

describe('kubectl apply --server-side', () => {
  beforeAll(async () => {
    await k.ok(['create', 'namespace', 'ssa']);
  });

  it('creates the object; managedFields records the kubectl manager with operation Apply', async () => {
    const r = await k.apply(ssaDeployment({ name: 'api', replicas: 2, env: { A: '1', B: '2' } }), [
      '--server-side',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/api serverside-applied\n');
    const d = await getFull(['deploy', 'api', '-n', 'ssa']);
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.generation).toBe(1);
    expect(d.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    // Server-side apply keeps no last-applied annotation.
    expect(d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
    const m = managers(d);
    expect(m.map((x) => [x.manager, x.operation])).toEqual([['kubectl', 'Apply']]);
    expect(m[0].fields).toContain('"f:replicas"');
    expect(m[0].fields).toContain('k:{\\"name\\":\\"app\\"}');
    expect(m[0].fields).toContain('k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}');

    // A custom field manager creates through apply too (trace 13).
    const cm = await k.run(['apply', '--server-side', '--field-manager=mytool', '-f', '-'], {
      input:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tool-cfg\n  namespace: ssa\ndata:\n  k: v\n',
    });
    expect(cm.exitCode, cm.stderr).toBe(0);
    expect(cm.stdout).toBe('configmap/tool-cfg serverside-applied\n');
    const cmObj = await getFull(['cm', 'tool-cfg', '-n', 'ssa']);
    expect(cmObj.data).toEqual({ k: 'v' });
    expect(managers(cmObj).map((x) => [x.manager, x.operation])).toEqual([['mytool', 'Apply']]);
  });

  it('re-apply with a changed field updates it and drops the field removed from the manifest', async () => {
    const r = await k.apply(
      ssaDeployment({ name: 'api', replicas: 2, image: 'nginx:1.27', env: { A: '1' } }),
      ['--server-side'],
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/api serverside-applied\n');
    const d = await getFull(['deploy', 'api', '-n', 'ssa']);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(d.metadata.generation).toBe(2);
    expect(managers(d)[0].fields).not.toContain('"name\\":\\"B\\"');

    // Identical re-apply: no write.
    const same = await k.apply(
      ssaDeployment({ name: 'api', replicas: 2, image: 'nginx:1.27', env: { A: '1' } }),
      ['--server-side'],
    );
    expect(same.exitCode, same.stderr).toBe(0);
    const d2 = await getFull(['deploy', 'api', '-n', 'ssa']);
    expect(d2.metadata.resourceVersion).toBe(d.metadata.resourceVersion);

    // kubectl diff --server-side (a dry-run apply) sees nothing to change.
    const diff = await k.run(['diff', '--server-side', '-f', '-'], {
      input: ssaDeployment({ name: 'api', replicas: 2, image: 'nginx:1.27', env: { A: '1' } }),
    });
    expect(diff.stderr).toBe('');
    expect(diff.stdout).toBe('');
    expect(diff.exitCode).toBe(0);
  });

  it('conflicts with a field another manager changed; --force-conflicts takes it over', async () => {
    await k.ok([
      'patch',
      'deploy',
      'api',
      '-n',
      'ssa',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":5}}',
      '--field-manager=other',
    ]);
    const patched = await getFull(['deploy', 'api', '-n', 'ssa']);
    expect(patched.spec.replicas).toBe(5);
    const other = managers(patched).find((m) => m.manager === 'other');
    expect(other?.operation).toBe('Update');
    expect(other?.fields).toContain('"f:replicas"');
    // The applier lost the field to the other manager's update.
    expect(managers(patched).find((m) => m.manager === 'kubectl')!.fields).not.toContain('"f:replicas"');

    const manifest = ssaDeployment({ name: 'api', replicas: 3, image: 'nginx:1.27', env: { A: '1' } });
    const conflict = await k.apply(manifest, ['--server-side']);
    expect(conflict.exitCode).not.toBe(0);
    expect(conflict.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "other" using apps/v1: .spec.replicas',
    );
    expect(conflict.stderr).toContain('--force-conflicts');
    expect((await k.json(['get', 'deploy', 'api', '-n', 'ssa'])).spec.replicas).toBe(5);

    const forced = await k.apply(manifest, ['--server-side', '--force-conflicts']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toBe('deployment.apps/api serverside-applied\n');
    const d = await getFull(['deploy', 'api', '-n', 'ssa']);
    expect(d.spec.replicas).toBe(3);
    const m = managers(d);
    expect(m.find((x) => x.manager === 'kubectl')!.fields).toContain('"f:replicas"');
    // `other` owned nothing else, so its entry is gone.
    expect(m.find((x) => x.manager === 'other')).toBeUndefined();
  });

  it('conflicts after kubectl scale (an Update on the scale subresource)', async () => {
    await k.ok(['scale', 'deploy', 'api', '-n', 'ssa', '--replicas=4']);
    // kubectl scale names no field manager, so the server takes it from the User-Agent.
    const scaled = await getFull(['deploy', 'api', '-n', 'ssa']);
    const entry = scaled.metadata.managedFields.find(
      (m: any) => m.operation === 'Update' && m.manager === 'kubectl',
    );
    expect(entry).toMatchObject({
      apiVersion: 'apps/v1',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });

    const r = await k.apply(
      ssaDeployment({ name: 'api', replicas: 3, image: 'nginx:1.27', env: { A: '1' } }),
      ['--server-side'],
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    expect((await k.json(['get', 'deploy', 'api', '-n', 'ssa'])).spec.replicas).toBe(4);
    // A manifest that leaves replicas out applies fine and leaves the scaled value alone.
    const without = await k.apply(ssaDeployment({ name: 'api', image: 'nginx:1.28', env: { A: '1' } }), [
      '--server-side',
    ]);
    expect(without.exitCode, without.stderr).toBe(0);
    const d = await k.json(['get', 'deploy', 'api', '-n', 'ssa']);
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
  });

  it('server-side apply over a client-side-applied object migrates the ownership to kubectl', async () => {
    const v1 = ssaDeployment({ name: 'legacy', replicas: 2, env: { A: '1', B: '2' } });
    const csa = await k.apply(v1);
    expect(csa.exitCode, csa.stderr).toBe(0);
    expect(csa.stdout).toBe('deployment.apps/legacy created\n');
    const before = await getFull(['deploy', 'legacy', '-n', 'ssa']);
    expect(managers(before).map((m) => m.manager)).toEqual(['kubectl-client-side-apply']);

    const ssa = await k.apply(v1, ['--server-side']);
    expect(ssa.exitCode, ssa.stderr).toBe(0);
    expect(ssa.stdout).toBe('deployment.apps/legacy serverside-applied\n');
    const migrated = await getFull(['deploy', 'legacy', '-n', 'ssa']);
    const m = managers(migrated);
    expect(m.find((x) => x.manager === 'kubectl')?.operation).toBe('Apply');
    expect(m.find((x) => x.manager === 'kubectl-client-side-apply')).toBeUndefined();
    expect(m.find((x) => x.manager === 'kubectl')!.fields).toContain('"f:replicas"');
    expect(migrated.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);

    // kubectl now owns what client-side apply set: dropping env B and changing replicas just works.
    const v2 = ssaDeployment({ name: 'legacy', replicas: 1, env: { A: '1' } });
    const next = await k.apply(v2, ['--server-side']);
    expect(next.exitCode, next.stderr).toBe(0);
    const d = await k.json(['get', 'deploy', 'legacy', '-n', 'ssa']);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
  });
});

/** Realistic manifests, written the way users write them: every defaulted field left out. */
const DIFF_MANIFESTS: Record<string, string> = {
  Deployment: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: diff
  labels:
    app: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: ghcr.io/example/api:2.1.0
        args: ["--port=8080", "--log-format=json"]
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: MODE
          value: production
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
        livenessProbe:
          tcpSocket:
            port: 8080
          initialDelaySeconds: 10
        resources:
          requests:
            cpu: 250m
            memory: 128Mi
          limits:
            memory: 256Mi
        volumeMounts:
        - name: config
          mountPath: /etc/api
      volumes:
      - name: config
        configMap:
          name: api-config
`,
  StatefulSet: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: diff
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: postgres
        image: postgres:16
        ports:
        - name: pg
          containerPort: 5432
        env:
        - name: PGDATA
          value: /var/lib/postgresql/data/pgdata
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
`,
  DaemonSet: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
  namespace: diff
spec:
  selector:
    matchLabels:
      app: log-agent
  template:
    metadata:
      labels:
        app: log-agent
    spec:
      tolerations:
      - operator: Exists
      containers:
      - name: agent
        image: fluent/fluent-bit:3.0
        resources:
          limits:
            memory: 100Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
          readOnly: true
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`,
  Job: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: diff
spec:
  backoffLimit: 2
  ttlSecondsAfterFinished: 600
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: ghcr.io/example/migrate:1.4
        command: ["migrate", "up"]
`,
  CronJob: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: diff
spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: busybox:1.36
            args: ["/bin/sh", "-c", "date; echo report"]
`,
  Service: `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: diff
spec:
  selector:
    app: api
  ports:
  - name: http
    port: 80
    targetPort: http
  - name: metrics
    port: 9090
`,
  'NodePort Service': `apiVersion: v1
kind: Service
metadata:
  name: api-public
  namespace: diff
spec:
  type: NodePort
  selector:
    app: api
  ports:
  - port: 443
    targetPort: 8443
`,
};

describe('kubectl diff right after kubectl apply is empty', () => {
  beforeAll(async () => {
    await k.ok(['create', 'namespace', 'diff']);
  });

  it.each(Object.keys(DIFF_MANIFESTS))('%s', async (kind) => {
    const manifest = DIFF_MANIFESTS[kind];
    const applied = await k.apply(manifest);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/ created\n$/);
    const diff = await k.run(['diff', '-f', '-'], { input: manifest });
    expect(diff.stderr).toBe('');
    expect(diff.stdout).toBe('');
    expect(diff.exitCode).toBe(0);
    // And re-applying the same manifest changes nothing.
    const name = /^ {2}name: (\S+)$/m.exec(manifest)![1];
    const resource = /^kind: (\S+)$/m.exec(manifest)![1].toLowerCase();
    const rv = (await k.json(['get', resource, name, '-n', 'diff'])).metadata.resourceVersion;
    const again = await k.apply(manifest);
    expect(again.exitCode, again.stderr).toBe(0);
    // kubectl's three-way patch replaces volumeClaimTemplates (a list without merge key) whenever
    // the live list differs, and the server defaults it: upstream reports "configured" for every
    // re-apply of such a StatefulSet (kubernetes/kubernetes#66450), though nothing is written.
    expect(again.stdout).toMatch(kind === 'StatefulSet' ? / configured\n$/ : / unchanged\n$/);
    expect((await k.json(['get', resource, name, '-n', 'diff'])).metadata.resourceVersion).toBe(rv);
  });
});
