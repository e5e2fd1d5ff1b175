import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../schema/types.js';
import { applyStrategicMergePatch, PatchApplyError, PatchDecodeError } from './index.js';

// A Deployment schema fragment carrying the k8s.io/api patch tags of apiserver-compat.md §6.1.
const mergeList = (mergeKey: string, items: JSONSchemaProps, strategy = 'merge'): JSONSchemaProps => ({
  type: 'array',
  items,
  'x-kubernetes-patch-merge-key': mergeKey,
  'x-kubernetes-patch-strategy': strategy,
});
const str: JSONSchemaProps = { type: 'string' };
const anyObject: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const container: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: str,
    image: str,
    args: { type: 'array', items: str },
    env: mergeList('name', { type: 'object', properties: { name: str, value: str } }),
    ports: mergeList('containerPort', {
      type: 'object',
      properties: { containerPort: { type: 'integer' }, protocol: str, name: str },
    }),
  },
};
const podSpec: JSONSchemaProps = {
  type: 'object',
  properties: {
    containers: mergeList('name', container),
    volumes: mergeList(
      'name',
      {
        type: 'object',
        properties: { name: str, configMap: anyObject, secret: anyObject, emptyDir: anyObject },
      },
      'merge,retainKeys',
    ),
    tolerations: { type: 'array', items: anyObject },
  },
};
const deploymentSchema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: {
      type: 'object',
      properties: {
        name: str,
        labels: { type: 'object', additionalProperties: str },
        annotations: { type: 'object', additionalProperties: str },
        finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge' },
        ownerReferences: mergeList('uid', anyObject),
      },
    },
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        selector: anyObject,
        strategy: {
          type: 'object',
          'x-kubernetes-patch-strategy': 'retainKeys',
          properties: { type: str, rollingUpdate: anyObject },
        },
        template: { type: 'object', properties: { metadata: anyObject, spec: podSpec } },
      },
    },
    status: {
      type: 'object',
      properties: {
        conditions: mergeList('type', { type: 'object', properties: { type: str, status: str } }),
      },
    },
  },
};

const liveDeployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    labels: { app: 'web' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n' },
    finalizers: ['a.example.com/one', 'b.example.com/two'],
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            args: ['-g', 'daemon off;'],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'web-config' } }],
        tolerations: [{ key: 'a', operator: 'Exists' }],
      },
    },
  },
  status: {
    conditions: [
      { type: 'Available', status: 'False' },
      { type: 'Progressing', status: 'True' },
    ],
  },
});

const smp = (doc: unknown, patch: unknown, schema: JSONSchemaProps | undefined = deploymentSchema): any =>
  applyStrategicMergePatch(doc, patch, schema);

/** Every key anywhere in a value, to prove that no directive leaks into a result. */
function allKeys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      allKeys(x, out);
    }
  }
  return out;
}

describe('applyStrategicMergePatch: kubectl client-side apply', () => {
  // The body kubectl v1.34 sent for an edited Deployment (apiserver-compat.md §6.1, trace 08).
  const kubectlBody = {
    metadata: {
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' },
      labels: { tier: 'frontend' },
    },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'A' }],
              '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }],
              env: [{ $patch: 'delete', name: 'B' }],
              image: 'nginx:1.26',
              name: 'nginx',
              ports: [{ containerPort: 443 }],
            },
            { $patch: 'delete', name: 'sidecar' },
          ],
        },
      },
    },
  };

  it('produces the object a real apiserver produces', () => {
    const out = smp(liveDeployment(), kubectlBody);
    const expected = liveDeployment() as any;
    expected.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = '{"new":true}\n';
    expected.metadata.labels = { app: 'web', tier: 'frontend' };
    expected.spec.replicas = 3;
    expected.spec.template.spec.containers = [
      {
        name: 'nginx',
        image: 'nginx:1.26',
        args: ['-g', 'daemon off;'],
        env: [{ name: 'A', value: '1' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }],
      },
    ];
    expect(out).toEqual(expected);
    // Order matters (it is what `kubectl get -o yaml` and `kubectl diff` show).
    expect(out.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([80, 443]);
    expect(allKeys(out).filter((k) => k.startsWith('$'))).toEqual([]);
  });

  it('changes neither the live object nor the patch', () => {
    const live = liveDeployment();
    const body = structuredClone(kubectlBody);
    const out = smp(live, body);
    expect(live).toEqual(liveDeployment());
    expect(body).toEqual(kubectlBody);
    out.spec.template.spec.containers[0].env.push({ name: 'X' });
    out.spec.selector.matchLabels.app = 'changed';
    expect(live).toEqual(liveDeployment());
  });
});

describe('applyStrategicMergePatch: maps', () => {
  it('merges maps recursively and deletes keys set to null', () => {
    const out = smp(liveDeployment(), {
      metadata: { labels: { app: null, env: 'prod' }, annotations: null },
    });
    expect(out.metadata.labels).toEqual({ env: 'prod' });
    expect('annotations' in out.metadata).toBe(false);
  });

  it('ignores null for keys the object lacks (nothing is added)', () => {
    const out = smp(liveDeployment(), { spec: { paused: null, newMap: { a: null, b: 1 } } });
    expect('paused' in out.spec).toBe(false);
    expect(out.spec.newMap).toEqual({ b: 1 });
  });

  it('replaces a map on $patch: replace', () => {
    const out = smp(liveDeployment(), {
      spec: { selector: { $patch: 'replace', matchLabels: { app: 'api' } } },
    });
    expect(out.spec.selector).toEqual({ matchLabels: { app: 'api' } });
    const whole = smp({ a: 1, b: { c: 2 } }, { $patch: 'replace', d: 4 }, undefined);
    expect(whole).toEqual({ d: 4 });
  });

  it('empties a map on $patch: delete, like upstream', () => {
    const out = smp(liveDeployment(), { spec: { selector: { $patch: 'delete' } } });
    expect(out.spec.selector).toEqual({});
    // A map the live object lacks stays absent.
    expect(
      'nodeSelector' in smp(liveDeployment(), { spec: { nodeSelector: { $patch: 'delete' } } }).spec,
    ).toBe(false);
  });

  it('accepts $patch: merge as the default it names', () => {
    const out = smp(liveDeployment(), {
      spec: { selector: { $patch: 'merge', matchLabels: { tier: 'fe' } } },
    });
    expect(out.spec.selector).toEqual({ matchLabels: { app: 'web', tier: 'fe' } });
  });

  it('replaces maps whose schema says patchStrategy: replace (PodDisruptionBudget selector)', () => {
    const pdbSchema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            selector: { ...anyObject, 'x-kubernetes-patch-strategy': 'replace' },
            minAvailable: str,
          },
        },
      },
    };
    const live = {
      spec: { minAvailable: '1', selector: { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b' }] } },
    };
    const out = smp(live, { spec: { selector: { matchLabels: { c: '3' } } } }, pdbSchema);
    expect(out).toEqual({ spec: { minAvailable: '1', selector: { matchLabels: { c: '3' } } } });
  });

  it('drops the keys $retainKeys does not list: rollingUpdate goes when type becomes Recreate', () => {
    // kubectl sends the retained keys plus an explicit null for the key it removes.
    const out = smp(liveDeployment(), {
      spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } },
    });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    // Without the null the live key still goes.
    expect(
      smp(liveDeployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }).spec
        .strategy,
    ).toEqual({
      type: 'Recreate',
    });
  });

  it('rejects $retainKeys that omits a key the patch sets', () => {
    expect(() =>
      smp(liveDeployment(), {
        spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } },
      }),
    ).toThrow(PatchApplyError);
    expect(() => smp(liveDeployment(), { spec: { strategy: { $retainKeys: 'type' } } })).toThrow(
      PatchApplyError,
    );
  });

  it('treats inherited member names and __proto__ as ordinary keys', () => {
    const patch = JSON.parse(
      '{"constructor": {"a": 1}, "__proto__": {"polluted": true}, "spec": {"toString": [1]}}',
    );
    const out = smp({ spec: {} }, patch);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'constructor', 'spec']);
    expect(out.constructor).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.spec.toString).toEqual([1]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('replaces a value of another type', () => {
    const out = smp(
      { a: { b: 1 }, c: [1], d: 'x' },
      { a: 'now a string', c: { k: 1 }, d: [1, 2] },
      undefined,
    );
    expect(out).toEqual({ a: 'now a string', c: { k: 1 }, d: [1, 2] });
  });
});

describe('applyStrategicMergePatch: lists', () => {
  it('replaces lists without a merge strategy', () => {
    const out = smp(liveDeployment(), {
      spec: {
        template: {
          spec: {
            tolerations: [{ key: 'b', operator: 'Equal', value: 'x' }],
            containers: [{ name: 'nginx', args: ['--one'] }],
          },
        },
      },
    });
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Equal', value: 'x' }]);
    expect(out.spec.template.spec.containers[0].args).toEqual(['--one']);
  });

  it('merges maps and replaces every list when there is no schema', () => {
    const live = { spec: { list: [{ name: 'a', v: 1 }], m: { x: 1 } } };
    const out = smp(live, { spec: { list: [{ name: 'b' }], m: { y: 2 } } }, undefined);
    expect(out).toEqual({ spec: { list: [{ name: 'b' }], m: { x: 1, y: 2 } } });
  });

  it('merges keyed lists: present keys merge, absent keys are added, $patch: delete removes', () => {
    const out = smp(liveDeployment(), {
      status: {
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', $patch: 'delete' },
          { type: 'ReplicaFailure', status: 'False' },
        ],
      },
    });
    expect(out.status.conditions).toEqual([
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'ReplicaFailure', status: 'False' },
    ]);
  });

  it('puts elements new to a list ahead of the live ones when no order is given (upstream order)', () => {
    // kubectl patch -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"C","value":"3"}]}]}}}}'
    const out = smp(liveDeployment(), {
      spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'C', value: '3' }] }] } } },
    });
    expect(out.spec.template.spec.containers[0].env).toEqual([
      { name: 'C', value: '3' },
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['nginx', 'sidecar']);
  });

  it('keeps the patch order for patched elements and the live order for the others', () => {
    const live = { status: { conditions: ['1', '2', '3'].map((type) => ({ type })) } };
    const out = smp(live, {
      status: {
        conditions: [
          { type: '3', v: 'c' },
          { type: '1', v: 'a' },
        ],
      },
    });
    expect(out.status.conditions).toEqual([{ type: '2' }, { type: '3', v: 'c' }, { type: '1', v: 'a' }]);
  });

  it('orders by $setElementOrder, keeping live-only elements at their relative position', () => {
    const live = { status: { conditions: ['a', 'x', 'b'].map((type) => ({ type })) } };
    const out = smp(live, {
      status: {
        '$setElementOrder/conditions': [{ type: 'a' }, { type: 'b' }, { type: 'c' }],
        conditions: [{ type: 'c', status: 'True' }],
      },
    });
    expect(out.status.conditions).toEqual([
      { type: 'a' },
      { type: 'x' },
      { type: 'b' },
      { type: 'c', status: 'True' },
    ]);
    // Reordering only: the list is absent from the patch.
    const reordered = smp(live, {
      status: { '$setElementOrder/conditions': [{ type: 'b' }, { type: 'a' }] },
    });
    // x sat before b live, so it stays before b (upstream mergeSortedSlice).
    expect(reordered.status.conditions.map((c: any) => c.type)).toEqual(['x', 'b', 'a']);
  });

  it('rejects a patch list that disagrees with its $setElementOrder', () => {
    const live = { status: { conditions: [{ type: 'a' }, { type: 'b' }] } };
    const patch = {
      status: {
        '$setElementOrder/conditions': [{ type: 'a' }, { type: 'b' }],
        conditions: [{ type: 'b' }, { type: 'a' }],
      },
    };
    expect(() => smp(live, patch)).toThrow(PatchApplyError);
    const missing = {
      status: { '$setElementOrder/conditions': [{ type: 'a' }], conditions: [{ type: 'c' }] },
    };
    expect(() => smp(live, missing)).toThrow(/doesn't match/);
  });

  it('replaces a keyed list on a {"$patch": "replace"} element', () => {
    const out = smp(liveDeployment(), {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } },
    });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
    const emptied = smp(liveDeployment(), { status: { conditions: [{ $patch: 'replace' }] } });
    expect(emptied.status.conditions).toEqual([]);
  });

  it('merges volumes with retainKeys: switching the source of a volume', () => {
    const out = smp(liveDeployment(), {
      spec: {
        template: {
          spec: {
            volumes: [{ $retainKeys: ['name', 'secret'], name: 'cfg', secret: { secretName: 's' } }],
          },
        },
      },
    });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'cfg', secret: { secretName: 's' } }]);
  });

  it('merges ownerReferences by uid', () => {
    const live = { metadata: { ownerReferences: [{ uid: 'u1', name: 'a', controller: true }] } };
    const out = smp(live, {
      metadata: {
        ownerReferences: [
          { uid: 'u1', name: 'a2' },
          { uid: 'u2', name: 'b' },
        ],
      },
    });
    expect(out.metadata.ownerReferences).toEqual([
      { uid: 'u1', name: 'a2', controller: true },
      { uid: 'u2', name: 'b' },
    ]);
  });
});

describe('applyStrategicMergePatch: primitive lists', () => {
  it('unions finalizers without duplicates', () => {
    const out = smp(liveDeployment(), {
      metadata: { finalizers: ['b.example.com/two', 'c.example.com/three'] },
    });
    expect(out.metadata.finalizers).toEqual([
      'a.example.com/one',
      'b.example.com/two',
      'c.example.com/three',
    ]);
  });

  it('puts a finalizer new to the list first when no order is given (upstream order)', () => {
    const out = smp(liveDeployment(), {
      metadata: { finalizers: ['c.example.com/three', 'c.example.com/three'] },
    });
    expect(out.metadata.finalizers).toEqual([
      'c.example.com/three',
      'a.example.com/one',
      'b.example.com/two',
    ]);
  });

  it('deletes through $deleteFromPrimitiveList and orders through $setElementOrder', () => {
    // What kubectl apply sends after one finalizer left the manifest and another joined it.
    const out = smp(liveDeployment(), {
      metadata: {
        '$setElementOrder/finalizers': ['b.example.com/two', 'c.example.com/three'],
        '$deleteFromPrimitiveList/finalizers': ['a.example.com/one'],
        finalizers: ['c.example.com/three'],
      },
    });
    expect(out.metadata.finalizers).toEqual(['b.example.com/two', 'c.example.com/three']);
    expect(allKeys(out).filter((k) => k.startsWith('$'))).toEqual([]);
  });

  it('ignores $deleteFromPrimitiveList for a list the object lacks', () => {
    const out = smp(
      { metadata: { name: 'x' } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    );
    expect(out).toEqual({ metadata: { name: 'x' } });
  });
});

describe('applyStrategicMergePatch: directives never leak', () => {
  it('resolves directives inside values the live object lacks', () => {
    const out = smp(
      { spec: { template: { spec: { containers: [{ name: 'nginx' }] } } } },
      {
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: {
            metadata: { $patch: 'replace', labels: { a: 'b' } },
            spec: {
              containers: [
                {
                  name: 'new',
                  '$setElementOrder/env': [{ name: 'Y' }, { name: 'X' }],
                  env: [{ name: 'Y' }, { name: 'X' }, { name: 'Z', $patch: 'delete' }],
                  '$deleteFromPrimitiveList/args': ['q'],
                },
              ],
              volumes: [
                { name: 'v', emptyDir: {}, $retainKeys: ['name', 'emptyDir'] },
                { $patch: 'replace' },
              ],
            },
          },
        },
      },
    );
    expect(allKeys(out).filter((k) => k.startsWith('$'))).toEqual([]);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template.metadata).toEqual({ labels: { a: 'b' } });
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'new', env: [{ name: 'Y' }, { name: 'X' }] },
      { name: 'nginx' },
    ]);
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'v', emptyDir: {} }]);
  });
});

describe('applyStrategicMergePatch: errors', () => {
  it('rejects keyed-list elements without the merge key', () => {
    const patch = { spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } };
    expect(() => smp(liveDeployment(), patch)).toThrow(PatchApplyError);
    const del = { status: { conditions: [{ $patch: 'delete', status: 'True' }] } };
    expect(() => smp(liveDeployment(), del)).toThrow(/merge key/);
  });

  it('rejects unknown directives', () => {
    expect(() => smp(liveDeployment(), { spec: { $foo: 1 } })).toThrow(PatchApplyError);
    expect(() => smp(liveDeployment(), { spec: { selector: { $patch: 'explode' } } })).toThrow(
      PatchApplyError,
    );
    expect(() =>
      smp(liveDeployment(), { status: { conditions: [{ type: 'x', $patch: 'explode' }] } }),
    ).toThrow(PatchApplyError);
    expect(() => smp(liveDeployment(), { metadata: { '$setElementOrder/': [] } })).toThrow(PatchApplyError);
  });

  it('rejects lists of mixed element types on merge', () => {
    expect(() => smp(liveDeployment(), { metadata: { finalizers: [{ a: 1 }] } })).toThrow(PatchApplyError);
  });

  it('rejects a patch that is not an object with PatchDecodeError', () => {
    expect(() => smp(liveDeployment(), [1])).toThrow(PatchDecodeError);
    expect(() => smp(liveDeployment(), 'x')).toThrow(PatchDecodeError);
    expect(() => smp(liveDeployment(), null)).toThrow(PatchDecodeError);
  });
});
