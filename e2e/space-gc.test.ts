import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSpaceProcess, tempDir, removeDir, type SpaceProcess } from '../test/helpers/space-process.js';
import { ensureTools } from '../test/helpers/tools.js';
import { Kubectl, eventually } from './helpers/kubectl.js';

/**
 * Garbage collection through ownerReferences with the real kubectl: a space runs no
 * kube-controller-manager, so the server itself must cascade background deletes, honour the
 * `foregroundDeletion` and `orphan` finalizers, and finish interrupted cascades after a crash.
 * Owners are created first; their uids go into the dependents' manifests.
 */

const NS = 'gc';
let space: SpaceProcess;
let dataDir: string;
let scratch: string;
let k: Kubectl;

beforeAll(async () => {
  space = await startSpaceProcess({ name: 'e2e-gc' });
  dataDir = space.dataDir;
  scratch = tempDir('kstellar-gc-');
  k = new Kubectl(space.kubeconfig, join(scratch, 'kubectl'), ensureTools().kubectl);
  await k.ok(['create', 'namespace', NS]);
});

afterAll(async () => {
  await space?.stop();
  if (dataDir) removeDir(dataDir);
  if (scratch) removeDir(scratch);
});

interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

interface RefOpts {
  block?: boolean;
  controller?: boolean;
}

function ownerRefsYaml(owners: [Owner, RefOpts?][], indent: string): string {
  if (!owners.length) return '';
  const items = owners
    .map(
      ([o, opts = {}]) =>
        `${indent}- apiVersion: ${o.apiVersion}\n${indent}  kind: ${o.kind}\n${indent}  name: ${o.name}\n${indent}  uid: ${o.uid}\n` +
        (opts.controller ? `${indent}  controller: true\n` : '') +
        (opts.block ? `${indent}  blockOwnerDeletion: true\n` : ''),
    )
    .join('');
  return `${indent.slice(2)}ownerReferences:\n${items}`;
}

function configMap(name: string, owners: [Owner, RefOpts?][] = [], extraMeta = ''): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${extraMeta}${ownerRefsYaml(owners, '    ')}data:\n  k: v\n`;
}

function secret(name: string, owners: [Owner, RefOpts?][]): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${ownerRefsYaml(owners, '    ')}stringData:\n  k: v\n`;
}

function serviceAccount(name: string, owners: [Owner, RefOpts?][]): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${ownerRefsYaml(owners, '    ')}`;
}

/** Creates the YAML documents and returns the first object's identity as an owner. */
async function create(...docs: string[]): Promise<Owner> {
  await k.ok(['create', '-f', '-'], { input: docs.join('---\n') });
  const first = docs[0];
  const kind = /^kind: (\S+)$/m.exec(first)![1];
  const name = /^ {2}name: (\S+)$/m.exec(first)![1];
  const apiVersion = /^apiVersion: (\S+)$/m.exec(first)![1];
  const obj = await k.json(['get', `${kind.toLowerCase()}`, name, '-n', NS]);
  return { apiVersion, kind, name, uid: obj.metadata.uid };
}

async function exists(resource: string, name: string): Promise<boolean> {
  const r = await k.run(['get', resource, name, '-n', NS, '-o', 'name']);
  if (r.exitCode === 0) return true;
  if (r.stderr.includes('(NotFound)')) return false;
  throw new Error(`kubectl get ${resource} ${name}: ${r.stderr}`);
}

async function goneEventually(items: [string, string][], ms = 10_000): Promise<void> {
  await eventually(
    async () => {
      for (const [r, n] of items) if (await exists(r, n)) return false;
      return true;
    },
    ms,
    `${items.map(([r, n]) => `${r}/${n}`).join(', ')} gone`,
  );
}

function deployment(name: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;
}

function replicaSet(name: string, app: string, owner: Owner): string {
  return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  namespace: ${NS}
  labels: {app: ${app}}
${ownerRefsYaml([[owner, { controller: true, block: true }]], '    ')}spec:
  replicas: 1
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;
}

function pod(name: string, app: string, owner: Owner): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${NS}
  labels: {app: ${app}}
${ownerRefsYaml([[owner, { controller: true, block: true }]], '    ')}spec:
  containers:
  - name: app
    image: nginx:1.27
`;
}

describe('garbage collection through ownerReferences', () => {
  it('kubectl delete (background) removes the dependents of every kind, and only those', async () => {
    const owner = await create(configMap('bg-owner'));
    await create(
      configMap('bg-dep-cm', [[owner]]),
      secret('bg-dep-secret', [[owner]]),
      serviceAccount('bg-dep-sa', [[owner]]),
      configMap('bg-bystander'),
    );
    expect((await k.json(['get', 'cm', 'bg-dep-cm', '-n', NS])).metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'bg-owner', uid: owner.uid },
    ]);

    const r = await k.run(['delete', 'cm', 'bg-owner', '-n', NS]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('configmap "bg-owner" deleted');
    await goneEventually([
      ['cm', 'bg-dep-cm'],
      ['secret', 'bg-dep-secret'],
      ['sa', 'bg-dep-sa'],
    ]);
    expect(await exists('cm', 'bg-bystander')).toBe(true);
  });

  it('--cascade=foreground returns only after the blocking dependents are gone', async () => {
    const owner = await create(configMap('fg-owner'));
    await create(
      configMap('fg-block-cm', [[owner, { block: true }]]),
      secret('fg-block-secret', [[owner, { block: true }]]),
      configMap('fg-free', [[owner]]),
    );
    const r = await k.run(['delete', 'cm', 'fg-owner', '-n', NS, '--cascade=foreground', '--timeout=30s']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('configmap "fg-owner" deleted');
    // kubectl waited for the owner; the owner goes only after its blocking dependents.
    expect(await exists('cm', 'fg-owner')).toBe(false);
    expect(await exists('cm', 'fg-block-cm')).toBe(false);
    expect(await exists('secret', 'fg-block-secret')).toBe(false);
    await goneEventually([['cm', 'fg-free']]);
  });

  it('a foreground-deleting owner waits while a blocking dependent is held by a finalizer', async () => {
    const owner = await create(configMap('hold-owner'));
    await create(configMap('hold-dep', [[owner, { block: true }]], '  finalizers:\n  - example.com/hold\n'));
    const r = await k.run(['delete', 'cm', 'hold-owner', '-n', NS, '--cascade=foreground', '--wait=false']);
    expect(r.exitCode, r.stderr).toBe(0);

    // The dependent is being deleted but held; the owner is held by foregroundDeletion.
    const dep = await eventually(
      async () => {
        const d = await k.json(['get', 'cm', 'hold-dep', '-n', NS]);
        return d.metadata.deletionTimestamp ? d : undefined;
      },
      10_000,
      'hold-dep deletionTimestamp',
    );
    expect(dep.metadata.finalizers).toContain('example.com/hold');
    await new Promise((res) => setTimeout(res, 300));
    const held = await k.json(['get', 'cm', 'hold-owner', '-n', NS]);
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect(held.metadata.finalizers).toEqual(['foregroundDeletion']);

    // Releasing the dependent lets both go.
    await k.ok([
      'patch',
      'cm',
      'hold-dep',
      '-n',
      NS,
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    await goneEventually([
      ['cm', 'hold-dep'],
      ['cm', 'hold-owner'],
    ]);
  });

  it('--cascade=orphan keeps the dependents and strips the owner reference', async () => {
    const owner = await create(configMap('or-owner'));
    const other = await create(configMap('or-other'));
    await create(
      configMap('or-dep-cm', [[owner, { block: true, controller: true }]]),
      secret('or-dep-secret', [[owner]]),
      configMap('or-dep-both', [[owner], [other]]),
    );
    const r = await k.run(['delete', 'cm', 'or-owner', '-n', NS, '--cascade=orphan', '--timeout=30s']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await exists('cm', 'or-owner')).toBe(false);

    const cm = await k.json(['get', 'cm', 'or-dep-cm', '-n', NS]);
    expect(cm.metadata.ownerReferences).toBeUndefined();
    expect(cm.metadata.deletionTimestamp).toBeUndefined();
    const s = await k.json(['get', 'secret', 'or-dep-secret', '-n', NS]);
    expect(s.metadata.ownerReferences).toBeUndefined();
    const both = await k.json(['get', 'cm', 'or-dep-both', '-n', NS]);
    expect(both.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'or-other', uid: other.uid },
    ]);
    // Still orphaned a moment later: nothing collects them.
    await new Promise((res) => setTimeout(res, 500));
    expect(await exists('cm', 'or-dep-cm')).toBe(true);
    expect(await exists('secret', 'or-dep-secret')).toBe(true);
  });

  it('a dependent with two owners survives the deletion of one and loses only that reference', async () => {
    const a = await create(configMap('two-a'));
    const b = await create(configMap('two-b'));
    await create(configMap('two-shared', [[a], [b]]));
    await k.ok(['delete', 'cm', 'two-a', '-n', NS]);
    const shared = await eventually(
      async () => {
        const o = await k.json(['get', 'cm', 'two-shared', '-n', NS]);
        return o.metadata.ownerReferences?.length === 1 ? o : undefined;
      },
      10_000,
      'two-shared loses the two-a reference',
    );
    expect(shared.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'two-b', uid: b.uid },
    ]);
    expect(shared.metadata.deletionTimestamp).toBeUndefined();

    await k.ok(['delete', 'cm', 'two-b', '-n', NS]);
    await goneEventually([['cm', 'two-shared']]);
  });

  it('a Deployment -> ReplicaSet -> Pod chain cascades in the background', async () => {
    const dep = await create(deployment('chain'));
    const rs = await create(replicaSet('chain-7d9f', 'chain', dep));
    await create(pod('chain-7d9f-abcde', 'chain', rs));
    const r = await k.run(['delete', 'deploy', 'chain', '-n', NS]);
    expect(r.exitCode, r.stderr).toBe(0);
    await goneEventually([
      ['rs', 'chain-7d9f'],
      ['pod', 'chain-7d9f-abcde'],
    ]);
  });

  it('a foreground delete of the chain head returns after the grandchild is gone', async () => {
    const dep = await create(deployment('fchain'));
    const rs = await create(replicaSet('fchain-5c4b', 'fchain', dep));
    await create(pod('fchain-5c4b-vwxyz', 'fchain', rs));
    const r = await k.run(['delete', 'deploy', 'fchain', '-n', NS, '--cascade=foreground', '--timeout=30s']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await exists('deploy', 'fchain')).toBe(false);
    expect(await exists('rs', 'fchain-5c4b')).toBe(false);
    expect(await exists('pod', 'fchain-5c4b-vwxyz')).toBe(false);
  });
});

describe('garbage collection across a crash', () => {
  const COUNT = 300;
  const crashNs = 'gc-crash';

  /** Dependents still stored in the data dir (read straight from SQLite while the space is down). */
  function storedDependents(): number {
    const db = new Database(join(dataDir, 'space.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const row = db
        .prepare(`SELECT count(*) AS n FROM current WHERE key LIKE '/core/configmaps/${crashNs}/dep-%'`)
        .get() as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  }

  it('kill -9 right after an owner of 300 dependents is deleted: the cascade finishes after restart', async () => {
    await k.ok(['create', 'namespace', crashNs]);
    await k.ok(['create', 'configmap', 'owner', '-n', crashNs, '--from-literal=k=v']);
    const uid = (await k.json(['get', 'cm', 'owner', '-n', crashNs])).metadata.uid;
    // A YAML stream, not a `kind: List`: kubectl validates Lists client-side against /openapi/v2.
    const docs = Array.from(
      { length: COUNT },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep-${String(i).padStart(3, '0')}\n  namespace: ${crashNs}\n` +
        `  ownerReferences:\n  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: ${uid}}\ndata:\n  i: "${i}"\n`,
    );
    await k.ok(['create', '-f', '-'], { input: docs.join('---\n') });
    const before = await k.json(['get', 'cm', '-n', crashNs]);
    expect(before.items.filter((c: any) => c.metadata.name.startsWith('dep-'))).toHaveLength(COUNT);

    const del = await k.run(['delete', 'cm', 'owner', '-n', crashNs, '--wait=false']);
    expect(del.exitCode, del.stderr).toBe(0);
    await space.kill();

    // How far the cascade got before the crash (diagnostic only: it depends on timing).
    let leftAtCrash: number | string;
    try {
      leftAtCrash = storedDependents();
    } catch (e) {
      leftAtCrash = `unknown (${(e as Error).message})`;
    }

    space = await startSpaceProcess({ dataDir, name: 'e2e-gc' });
    expect(await k.run(['get', 'cm', 'owner', '-n', crashNs])).toMatchObject({ exitCode: 1 });
    await eventually(
      async () => {
        const list = await k.json(['get', 'cm', '-n', crashNs]);
        return list.items.filter((c: any) => c.metadata.name.startsWith('dep-')).length === 0;
      },
      30_000,
      `all ${COUNT} dependents gone after restart (${leftAtCrash} left at the crash)`,
    );
  });
});
