import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startSpaceProcess, tempDir, removeDir, type SpaceProcess } from '../test/helpers/space-process.js';
import { Kubectl, eventually } from './helpers/kubectl.js';

/**
 * The real kubectl binary against a `kstellar space serve` process: every command is checked by its
 * exit code and by reading the resulting state back with `kubectl get -o json`.
 */

let space: SpaceProcess;
let scratch: string;
let k: Kubectl;

beforeAll(async () => {
  space = await startSpaceProcess({ name: 'e2e-kubectl' });
  scratch = tempDir('kstellar-kubectl-');
  k = new Kubectl(space.kubeconfig, scratch);
});

afterAll(async () => {
  await space?.stop();
  if (space) removeDir(space.dataDir);
  if (scratch) removeDir(scratch);
});

function namespaceYaml(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

async function createNamespace(name: string): Promise<void> {
  await k.ok(['create', '-f', '-'], { input: namespaceYaml(name) });
}

interface DeploymentOpts {
  name: string;
  namespace?: string;
  image?: string;
  replicas?: number;
  env?: Record<string, string>;
  extraSpec?: string;
}

function deploymentYaml(o: DeploymentOpts): string {
  const env = Object.entries(o.env ?? {})
    .map(([name, value]) => `        - name: ${name}\n          value: "${value}"\n`)
    .join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
  namespace: ${o.namespace ?? 'default'}
spec:
  replicas: ${o.replicas ?? 1}
${o.extraSpec ?? ''}  selector:
    matchLabels: {app: ${o.name}}
  template:
    metadata:
      labels: {app: ${o.name}}
    spec:
      containers:
      - name: nginx
        image: ${o.image ?? 'nginx:1.25'}
        ports:
        - containerPort: 80
${env ? `        env:\n${env}` : ''}`;
}

function configMapYaml(
  name: string,
  namespace: string,
  data: Record<string, string> = { k: 'v' },
  labels: Record<string, string> = {},
): string {
  const d = Object.entries(data)
    .map(([key, v]) => `  ${key}: "${v}"\n`)
    .join('');
  const l = Object.entries(labels)
    .map(([key, v]) => `    ${key}: "${v}"\n`)
    .join('');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n${l ? `  labels:\n${l}` : ''}data:\n${d}`;
}

/** A CRD with printer columns, the status subresource and two served versions (v1 is the storage version). */
const WIDGET_SCHEMA = `
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
          status:
            type: object
            properties:
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
                    reason: {type: string}
                    message: {type: string}`;
const WIDGET_COLUMNS = `
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Created, type: date, jsonPath: .metadata.creationTimestamp}`;
const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:${WIDGET_SCHEMA}${WIDGET_COLUMNS}
  - name: v1beta1
    served: true
    storage: false
    subresources: {status: {}}
    schema:${WIDGET_SCHEMA}${WIDGET_COLUMNS}
`;

function widgetYaml(name: string, namespace: string, size: number, color: string, version = 'v1'): string {
  return `apiVersion: example.com/${version}\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  size: ${size}\n  color: ${color}\n`;
}

/** Splits `kubectl get` table output into rows of whitespace-separated cells. */
function tableRows(out: string): string[][] {
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/));
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

describe('kubectl against a space: reads and discovery', () => {
  it('get ns lists the default namespaces as Active', async () => {
    const out = await k.ok(['get', 'ns']);
    const rows = tableRows(out);
    expect(rows[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    const byName = new Map(rows.slice(1).map((r) => [r[0], r[1]]));
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      expect(byName.get(ns), ns).toBe('Active');

    const list = await k.json(['get', 'ns']);
    const names = list.items.map((n: any) => n.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
    for (const n of list.items) expect(n.status.phase).toBe('Active');
  });

  it('api-resources lists deployments with short name deploy, namespaced', async () => {
    const out = await k.ok(['api-resources']);
    const row = tableRows(out).find((r) => r[0] === 'deployments');
    expect(row).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    const ns = tableRows(out).find((r) => r[0] === 'namespaces');
    expect(ns).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
  });

  it('get of a missing object fails with the upstream NotFound message', async () => {
    const r = await k.run(['get', 'deploy', 'nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
  });
});

describe('kubectl apply and the mutating verbs', () => {
  beforeAll(async () => {
    await createNamespace('apply');
  });

  it('apply creates, then re-apply with changes bumps generation and drops a removed env var', async () => {
    const v1 = deploymentYaml({ name: 'web', namespace: 'apply', replicas: 2, env: { A: '1', B: '2' } });
    const created = await k.apply(v1);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('deployment.apps/web created');
    const d1 = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d1.metadata.generation).toBe(1);
    expect(d1.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(d1.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBeTruthy();

    // Identical re-apply: nothing is written.
    const same = await k.apply(v1);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain('deployment.apps/web unchanged');
    const d1b = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d1b.metadata.resourceVersion).toBe(d1.metadata.resourceVersion);
    expect(d1b.metadata.generation).toBe(1);

    // New image, env var B removed from the manifest.
    const v2 = deploymentYaml({
      name: 'web',
      namespace: 'apply',
      replicas: 2,
      image: 'nginx:1.27',
      env: { A: '1' },
    });
    const changed = await k.apply(v2);
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('deployment.apps/web configured');
    const d2 = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d2.metadata.generation).toBe(2);
    expect(d2.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(d2.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(Number(d2.metadata.resourceVersion)).toBeGreaterThan(Number(d1.metadata.resourceVersion));
    // The container port survives the three-way strategic merge.
    expect(d2.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);

    // kubectl diff (a server-side dry-run patch) sees nothing to change after the apply...
    const diff = await k.run(['diff', '-f', '-'], { input: v2 });
    expect(diff.stderr).toBe('');
    expect(diff.stdout).toBe('');
    expect(diff.exitCode).toBe(0);
    // ...and exit code 1 with the change when there is one, without writing it.
    const diff2 = await k.run(['diff', '-f', '-'], { input: v2.replace('replicas: 2', 'replicas: 6') });
    expect(diff2.exitCode, diff2.stderr).toBe(1);
    expect(diff2.stdout).toMatch(/^-\s+replicas: 2$/m);
    expect(diff2.stdout).toMatch(/^\+\s+replicas: 6$/m);
    const d3 = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d3.spec.replicas).toBe(2);
    expect(d3.metadata.resourceVersion).toBe(d2.metadata.resourceVersion);
  });

  it('describe deploy shows the defaulted port protocol and the Replicas line', async () => {
    const out = await k.ok(['describe', 'deploy', 'web', '-n', 'apply']);
    expect(out).toMatch(/^Name:\s+web$/m);
    expect(out).toMatch(/^Namespace:\s+apply$/m);
    expect(out).toMatch(/Port:\s+80\/TCP/);
    expect(out).toMatch(
      /^Replicas:\s+2 desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/m,
    );
    expect(out).toMatch(/Image:\s+nginx:1\.27/);

    const table = tableRows(await k.ok(['get', 'deploy', '-n', 'apply']));
    expect(table[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(table[1].slice(0, 4)).toEqual(['web', '0/2', '0', '0']);
  });

  it('label and annotate add, overwrite and remove metadata', async () => {
    expect((await k.run(['label', 'deploy', 'web', '-n', 'apply', 'tier=frontend'])).stdout).toContain(
      'deployment.apps/web labeled',
    );
    expect((await k.json(['get', 'deploy', 'web', '-n', 'apply'])).metadata.labels).toEqual({
      tier: 'frontend',
    });

    // Changing an existing label needs --overwrite.
    const clash = await k.run(['label', 'deploy', 'web', '-n', 'apply', 'tier=backend']);
    expect(clash.exitCode).not.toBe(0);
    expect(clash.stderr).toContain("'tier' already has a value (frontend)");
    await k.ok(['label', 'deploy', 'web', '-n', 'apply', 'tier=backend', '--overwrite']);
    expect((await k.json(['get', 'deploy', 'web', '-n', 'apply'])).metadata.labels.tier).toBe('backend');

    const ann = await k.run(['annotate', 'deploy', 'web', '-n', 'apply', 'owner=team-a', 'note=hello world']);
    expect(ann.exitCode, ann.stderr).toBe(0);
    expect(ann.stdout).toContain('deployment.apps/web annotated');
    const annotated = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(annotated.metadata.annotations).toMatchObject({ owner: 'team-a', note: 'hello world' });

    await k.ok(['label', 'deploy', 'web', '-n', 'apply', 'tier-']);
    await k.ok(['annotate', 'deploy', 'web', '-n', 'apply', 'owner-']);
    const removed = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(removed.metadata.labels?.tier).toBeUndefined();
    expect(removed.metadata.annotations.owner).toBeUndefined();
    expect(removed.metadata.annotations.note).toBe('hello world');
    // Metadata-only changes do not bump generation.
    expect(removed.metadata.generation).toBe(2);
  });

  it('patch: strategic keeps the other container fields, merge and json patches apply as written', async () => {
    const strategic = await k.run([
      'patch',
      'deploy',
      'web',
      '-n',
      'apply',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}',
    ]);
    expect(strategic.exitCode, strategic.stderr).toBe(0);
    expect(strategic.stdout).toContain('deployment.apps/web patched');
    let d = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(d.metadata.generation).toBe(3);

    await k.ok([
      'patch',
      'deploy',
      'web',
      '-n',
      'apply',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"patched":"merge"}},"spec":{"minReadySeconds":7}}',
    ]);
    d = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d.metadata.labels.patched).toBe('merge');
    expect(d.spec.minReadySeconds).toBe(7);

    await k.ok([
      'patch',
      'deploy',
      'web',
      '-n',
      'apply',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"remove","path":"/metadata/labels/patched"}]',
    ]);
    d = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d.spec.replicas).toBe(4);
    expect(d.metadata.labels?.patched).toBeUndefined();

    // A failing json patch test op is rejected and changes nothing.
    const bad = await k.run([
      'patch',
      'deploy',
      'web',
      '-n',
      'apply',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/replicas","value":99},{"op":"replace","path":"/spec/replicas","value":1}]',
    ]);
    expect(bad.exitCode).not.toBe(0);
    expect((await k.json(['get', 'deploy', 'web', '-n', 'apply'])).spec.replicas).toBe(4);

    // A merge patch replaces lists wholesale: the ports of the container are gone.
    await k.ok([
      'patch',
      'deploy',
      'web',
      '-n',
      'apply',
      '--type=merge',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.29"}]}}}}',
    ]);
    d = await k.json(['get', 'deploy', 'web', '-n', 'apply']);
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.29');
    expect(d.spec.template.spec.containers[0].ports).toBeUndefined();
  });

  it('scale sets spec.replicas, visible through the scale subresource', async () => {
    const r = await k.run(['scale', 'deploy', 'web', '-n', 'apply', '--replicas=5']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps/web scaled');
    expect((await k.json(['get', 'deploy', 'web', '-n', 'apply'])).spec.replicas).toBe(5);
    expect(await k.ok(['get', 'deploy', 'web', '-n', 'apply', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
    const scale = await k.json(['get', 'deploy', 'web', '-n', 'apply', '--subresource=scale']);
    expect(scale.kind).toBe('Scale');
    expect(scale.apiVersion).toBe('autoscaling/v1');
    expect(scale.spec.replicas).toBe(5);
    expect(scale.status.selector).toBe('app=web');
  });

  it('wait --for=jsonpath returns once spec.replicas reaches the value', async () => {
    const waiter = k.run([
      'wait',
      'deploy/web',
      '-n',
      'apply',
      '--for=jsonpath={.spec.replicas}=3',
      '--timeout=30s',
    ]);
    await new Promise((r) => setTimeout(r, 500));
    await k.ok(['scale', 'deploy', 'web', '-n', 'apply', '--replicas=3']);
    const r = await waiter;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps/web condition met');

    // Already true: returns at once.
    const again = await k.run([
      'wait',
      'deploy/web',
      '-n',
      'apply',
      '--for=jsonpath={.spec.replicas}=3',
      '--timeout=5s',
    ]);
    expect(again.exitCode, again.stderr).toBe(0);
    // Never true: times out with a non-zero exit.
    const never = await k.run([
      'wait',
      'deploy/web',
      '-n',
      'apply',
      '--for=jsonpath={.spec.replicas}=9',
      '--timeout=1s',
    ]);
    expect(never.exitCode).not.toBe(0);
    expect(never.stderr).toContain('timed out waiting for the condition');
  });

  it('delete of a deployment removes it', async () => {
    await k.ok(['create', '-f', '-'], { input: deploymentYaml({ name: 'doomed', namespace: 'apply' }) });
    const r = await k.run(['delete', 'deploy', 'doomed', '-n', 'apply']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps "doomed" deleted');
    const gone = await k.run(['get', 'deploy', 'doomed', '-n', 'apply']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('deployments.apps "doomed" not found');
    const list = await k.json(['get', 'deploy', '-n', 'apply']);
    expect(list.items.map((d: any) => d.metadata.name)).toEqual(['web']);
  });
});

describe('kubectl validation and server-side defaulting', () => {
  beforeAll(async () => {
    await createNamespace('defaults');
  });

  it('Strict validation rejects an unknown field; --validate=false accepts and drops it', async () => {
    const yaml = deploymentYaml({ name: 'strict', namespace: 'defaults', extraSpec: '  foo: 1\n' });
    const strict = await k.apply(yaml);
    expect(strict.exitCode).not.toBe(0);
    expect(strict.stderr).toContain('unknown field "spec.foo"');
    const none = await k.run(['get', 'deploy', 'strict', '-n', 'defaults']);
    expect(none.exitCode).toBe(1);

    const lax = await k.apply(yaml, ['--validate=false']);
    expect(lax.exitCode, lax.stderr).toBe(0);
    expect(lax.stdout).toContain('deployment.apps/strict created');
    const d = await k.json(['get', 'deploy', 'strict', '-n', 'defaults']);
    expect(d.spec).not.toHaveProperty('foo');
    expect(d.spec.replicas).toBe(1);
  });

  it('a Service gets a clusterIP in 10.96.0.0/12 and a defaulted targetPort', async () => {
    const svc = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: defaults
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 8080
`;
    await k.ok(['apply', '-f', '-'], { input: svc });
    const s = await k.json(['get', 'svc', 'web', '-n', 'defaults']);
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const ip = ipv4ToInt(s.spec.clusterIP);
    expect(ip).toBeGreaterThanOrEqual(ipv4ToInt('10.96.0.0'));
    expect(ip).toBeLessThanOrEqual(ipv4ToInt('10.111.255.255'));
    expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
    expect(s.spec.ports[0]).toMatchObject({ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' });
  });

  it('a Secret with stringData is stored as base64 data without stringData', async () => {
    const secret = `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: defaults
stringData:
  user: admin
  password: s3cr3t!
data:
  extra: ${Buffer.from('bin').toString('base64')}
`;
    await k.ok(['create', '-f', '-'], { input: secret });
    const s = await k.json(['get', 'secret', 'creds', '-n', 'defaults']);
    expect(s).not.toHaveProperty('stringData');
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({
      user: Buffer.from('admin').toString('base64'),
      password: Buffer.from('s3cr3t!').toString('base64'),
      extra: Buffer.from('bin').toString('base64'),
    });
  });

  it('a Job gets a generated selector on batch.kubernetes.io/controller-uid', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: once
  namespace: defaults
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["true"]
`;
    await k.ok(['create', '-f', '-'], { input: job });
    const j = await k.json(['get', 'job', 'once', '-n', 'defaults']);
    const uid = j.metadata.uid;
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(uid);
    expect(j.spec.template.metadata.labels['batch.kubernetes.io/controller-uid']).toBe(uid);
    expect(j.spec.template.metadata.labels['batch.kubernetes.io/job-name']).toBe('once');
  });
});

describe('kubectl list paging and watch', () => {
  beforeAll(async () => {
    await createNamespace('paging');
  });

  it('get --chunk-size=2 lists all 7 configmaps exactly once', async () => {
    const docs = Array.from({ length: 7 }, (_, i) =>
      configMapYaml(`chunk-${i}`, 'paging', { i: String(i) }, { set: 'chunk' }),
    ).join('---\n');
    await k.ok(['apply', '-f', '-'], { input: docs });

    const table = await k.ok(['get', 'cm', '-n', 'paging', '-l', 'set=chunk', '--chunk-size=2']);
    const rows = tableRows(table);
    expect(rows.filter((r) => r[0] === 'NAME')).toHaveLength(1);
    const names = rows.filter((r) => r[0] !== 'NAME').map((r) => r[0]);
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `chunk-${i}`));

    const all = await k.ok([
      'get',
      'cm',
      '-n',
      'paging',
      '--chunk-size=2',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}',
    ]);
    const chunkNames = all.split('\n').filter((n) => n.startsWith('chunk-'));
    expect(chunkNames.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `chunk-${i}`));
  });

  it('get -w prints the initial rows, then a row for each change', async () => {
    await k.ok(['apply', '-f', '-'], {
      input: configMapYaml('watch-a', 'paging', { n: '1' }, { set: 'watch' }),
    });
    const proc = k.spawn(['get', 'cm', '-n', 'paging', '-l', 'set=watch', '-w']);
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    try {
      await eventually(() => /watch-a\s+1\s+/.test(out), 15_000, 'initial row');
      expect(out.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE/);

      await k.ok(['apply', '-f', '-'], {
        input: configMapYaml('watch-b', 'paging', { n: '1', m: '2' }, { set: 'watch' }),
      });
      await eventually(() => /watch-b\s+2\s+/.test(out), 15_000, 'row for the new configmap');

      // An object outside the selector produces no row.
      await k.ok(['apply', '-f', '-'], { input: configMapYaml('watch-other', 'paging') });
      await k.ok([
        'patch',
        'cm',
        'watch-a',
        '-n',
        'paging',
        '--type=merge',
        '-p',
        '{"data":{"x":"1","y":"2"}}',
      ]);
      await eventually(() => /watch-a\s+3\s+/.test(out), 15_000, 'row for the modified configmap');
      expect(out).not.toContain('watch-other');
    } finally {
      proc.kill('SIGTERM');
      await proc;
    }
  });
});

describe('kubectl with CustomResourceDefinitions', () => {
  beforeAll(async () => {
    await createNamespace('crs');
  });

  it('apply of a CRD and, in the next command, of its custom resources', async () => {
    const crd = await k.apply(WIDGET_CRD);
    expect(crd.exitCode, crd.stderr).toBe(0);
    expect(crd.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');

    const crs = await k.apply(
      [widgetYaml('w1', 'crs', 3, 'blue'), widgetYaml('w2', 'crs', 5, 'red')].join('---\n'),
    );
    expect(crs.exitCode, crs.stderr).toBe(0);
    expect(crs.stdout).toContain('widget.example.com/w1 created');
    expect(crs.stdout).toContain('widget.example.com/w2 created');

    const list = await k.json(['get', 'widgets', '-n', 'crs']);
    expect(list.items.map((w: any) => [w.metadata.name, w.spec.size, w.spec.color])).toEqual([
      ['w1', 3, 'blue'],
      ['w2', 5, 'red'],
    ]);

    // Re-apply with a change goes through a merge patch (CRs have no strategic merge).
    const re = await k.apply(widgetYaml('w1', 'crs', 4, 'blue'));
    expect(re.exitCode, re.stderr).toBe(0);
    expect(re.stdout).toContain('widget.example.com/w1 configured');
    expect((await k.json(['get', 'widget', 'w1', '-n', 'crs'])).spec.size).toBe(4);

    const CRD = await k.json(['get', 'crd', 'widgets.example.com']);
    const established = CRD.status.conditions.find((c: any) => c.type === 'Established');
    expect(established?.status).toBe('True');
  });

  it('api-resources lists the CRD kind', async () => {
    const out = await k.ok(['api-resources', '--api-group=example.com']);
    const row = tableRows(out).find((r) => r[0] === 'widgets');
    expect(row).toEqual(['widgets', 'wd', 'example.com/v1', 'true', 'Widget']);
  });

  it('get shows the additionalPrinterColumns, with an age in the date column', async () => {
    await k.apply(widgetYaml('w3', 'crs', 7, 'green'));
    const out = await k.ok(['get', 'wd', 'w3', '-n', 'crs']);
    const rows = tableRows(out);
    expect(rows[0]).toEqual(['NAME', 'SIZE', 'COLOR', 'CREATED']);
    expect(rows[1].slice(0, 3)).toEqual(['w3', '7', 'green']);
    expect(rows[1][3]).toMatch(/^\d+s$/);
    expect(Number(rows[1][3].slice(0, -1))).toBeLessThan(30);
  });

  it('wait --for=condition=Ready returns after the status subresource is patched', async () => {
    const waiter = k.run(['wait', 'widget/w1', '-n', 'crs', '--for=condition=Ready', '--timeout=30s']);
    await new Promise((r) => setTimeout(r, 500));
    // Status is ignored on the main resource...
    await k.ok([
      'patch',
      'widget',
      'w1',
      '-n',
      'crs',
      '--type=merge',
      '-p',
      '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}',
    ]);
    expect((await k.json(['get', 'widget', 'w1', '-n', 'crs'])).status).toBeUndefined();
    // ...and taken on the status subresource.
    const patched = await k.run([
      'patch',
      'widget',
      'w1',
      '-n',
      'crs',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Done"}]}}',
    ]);
    expect(patched.exitCode, patched.stderr).toBe(0);
    const r = await waiter;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('widget.example.com/w1 condition met');
    const w = await k.json(['get', 'widget', 'w1', '-n', 'crs']);
    expect(w.status.conditions).toEqual([{ type: 'Ready', status: 'True', reason: 'Done' }]);
    // A status write does not change the spec generation.
    expect(w.metadata.generation).toBe(2);
  });

  it('a CR created as v1beta1 is readable as v1', async () => {
    const r = await k.run(['create', '-f', '-'], { input: widgetYaml('beta', 'crs', 9, 'black', 'v1beta1') });
    expect(r.exitCode, r.stderr).toBe(0);
    const asV1 = await k.json(['get', 'widgets.v1.example.com', 'beta', '-n', 'crs']);
    expect(asV1.apiVersion).toBe('example.com/v1');
    expect(asV1.spec).toEqual({ size: 9, color: 'black' });
    const asBeta = await k.json(['get', 'widgets.v1beta1.example.com', 'beta', '-n', 'crs']);
    expect(asBeta.apiVersion).toBe('example.com/v1beta1');
    expect(asBeta.metadata.uid).toBe(asV1.metadata.uid);
    // And the v1 list contains it alongside the v1 objects.
    const list = await k.json(['get', 'widgets.v1.example.com', '-n', 'crs']);
    expect(list.items.map((w: any) => w.metadata.name)).toContain('beta');
    expect(list.items.every((w: any) => w.apiVersion === 'example.com/v1')).toBe(true);
  });

  it('the default namespaces cannot be deleted', async () => {
    const r = await k.run(['delete', 'ns', 'kube-public', '--wait=false']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'Error from server (Forbidden): namespaces "kube-public" is forbidden: this namespace may not be deleted',
    );
    expect((await k.json(['get', 'ns', 'kube-public'])).status.phase).toBe('Active');
  });

  it('delete namespace with contents waits until the namespace and its objects are gone', async () => {
    await createNamespace('doomed');
    const contents = [
      deploymentYaml({ name: 'app', namespace: 'doomed' }),
      configMapYaml('settings', 'doomed'),
      widgetYaml('wx', 'doomed', 1, 'grey'),
    ].join('---\n');
    await k.ok(['apply', '-f', '-'], { input: contents });
    expect((await k.json(['get', 'deploy,cm,widgets', '-n', 'doomed'])).items.length).toBeGreaterThanOrEqual(
      3,
    );

    const r = await k.run(['delete', 'ns', 'doomed', '--timeout=60s']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('namespace "doomed" deleted');
    // kubectl delete waits for the DELETED event, so the namespace is already gone.
    const ns = await k.run(['get', 'ns', 'doomed']);
    expect(ns.exitCode).toBe(1);
    expect(ns.stderr).toContain('namespaces "doomed" not found');
    for (const kind of ['deployments', 'configmaps', 'widgets', 'secrets', 'serviceaccounts']) {
      const all = await k.json(['get', kind, '-A']);
      expect(
        all.items.filter((o: any) => o.metadata.namespace === 'doomed'),
        kind,
      ).toEqual([]);
    }
  });

  it('deleting the CRD removes its CRs and the resource type', async () => {
    expect((await k.json(['get', 'widgets', '-A'])).items.length).toBeGreaterThan(0);
    const r = await k.run(['delete', 'crd', 'widgets.example.com', '--timeout=60s']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted');

    // This kubectl still has widgets in its discovery cache, so it asks for the list and the
    // server answers with its generic 404 (as upstream does for a removed group/resource).
    const stale = await k.run(['get', 'widgets', '-n', 'crs']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('Error from server (NotFound)');
    expect(stale.stderr).toContain('the server could not find the requested resource');
    // With fresh discovery kubectl knows the type is gone.
    const fresh = new Kubectl(space.kubeconfig, tempDir('kstellar-kubectl-fresh-'));
    try {
      const get = await fresh.run(['get', 'widgets', '-n', 'crs']);
      expect(get.exitCode).toBe(1);
      expect(get.stderr).toContain('the server doesn\'t have a resource type "widgets"');
    } finally {
      removeDir(fresh.scratchDir);
    }
    const raw = await k.run(['get', '--raw', '/apis/example.com/v1/namespaces/crs/widgets']);
    expect(raw.exitCode).toBe(1);
    expect(raw.stderr).toContain('NotFound');

    // Recreating the CRD does not bring the old objects back.
    await k.ok(['apply', '-f', '-'], { input: WIDGET_CRD });
    const after = await eventually(
      async () => {
        const res = await k.run(['get', 'widgets', '-A', '-o', 'json']);
        return res.exitCode === 0 ? JSON.parse(res.stdout) : undefined;
      },
      15_000,
      'widgets served again',
    );
    expect(after.items).toEqual([]);
  });
});
