import { describe, expect, it } from 'vitest';
import { JsonPathSyntaxError, parseRemovePath, removeAt } from './jsonpath.js';
import { digestCustomTransforms, parseRemoveQuery } from './customtransform.js';
import type { CustomTransform } from '../../api/control.js';

const remove = (obj: any, q: string): any => {
  removeAt(obj, parseRemovePath(q));
  return obj;
};

describe('remove queries: upstream subset (§3.4, UNIT-02)', () => {
  it.each([
    ['$.spec.suspend', [[{ kind: 'name', name: 'spec' }], [{ kind: 'name', name: 'suspend' }]]],
    ['$.metadata.labels["test.kubestellar.io/test-label"]', 3],
    ['$["foo.bar/baz"].zork', 2],
    ['$["a\\"b\\u0041\\x42\\n"]', [[{ kind: 'name', name: 'a"bAB\n' }]]],
    ['$._x.é1', 2],
  ])('parses %s', (q, want) => {
    const segs = parseRemovePath(q);
    if (typeof want === 'number') expect(segs).toHaveLength(want);
    else expect(segs).toEqual(want);
  });

  it.each(['', "'xyz", '$.', '$[', '$[]', '$.1abc', '$x', '$..a', '$["unterminated', '$.a b'])(
    'rejects %j',
    (q) => {
      expect(() => parseRemovePath(q)).toThrow(JsonPathSyntaxError);
    },
  );

  it('identifies the whole object with a bare $', () => {
    expect(parseRemovePath('$')).toEqual([]);
    expect(parseRemoveQuery('$', 3)).toEqual({
      error: 'Invalid spec.remove[3]: it identifies the whole object',
    });
    expect(parseRemoveQuery('$.', 0)).toEqual({
      error: expect.stringMatching(/^Error in spec\.remove\[0\]: /),
    });
  });

  it('removes only members of objects that exist along the path', () => {
    const doc = () => ({ abc: 1, def: { x: 'yz', abc: true }, ghi: null, arr: [{ abc: 1 }] });
    expect(remove(doc(), '$.abc')).toEqual({ def: { x: 'yz', abc: true }, ghi: null, arr: [{ abc: 1 }] });
    expect(remove(doc(), '$["def"].abc')).toEqual({ abc: 1, def: { x: 'yz' }, ghi: null, arr: [{ abc: 1 }] });
    expect(remove(doc(), '$.def')).toEqual({ abc: 1, ghi: null, arr: [{ abc: 1 }] });
    expect(remove(doc(), '$.ghi.x')).toEqual(doc());
    expect(remove(doc(), '$.nope.x')).toEqual(doc());
    expect(remove(doc(), '$.arr.abc')).toEqual(doc()); // names never traverse arrays
  });
});

describe('remove queries: [IMPROVE] RFC 9535 forms', () => {
  const pod = () => ({
    spec: {
      containers: [
        { name: 'a', image: 'x', env: [{ name: 'K', value: '1' }] },
        { name: 'b', image: 'y', resources: { limits: { cpu: '1' } } },
        { name: 'c', image: 'z', resources: { limits: { cpu: '2' } } },
      ],
    },
    metadata: { labels: { a: '1', b: '2' }, annotations: { 'x/y': 'z' } },
  });

  it('indices, negative indices and single quotes', () => {
    expect(remove(pod(), "$.spec.containers[0]['image']").spec.containers.map((c: any) => c.image)).toEqual([
      undefined,
      'y',
      'z',
    ]);
    expect(remove(pod(), '$.spec.containers[-1]').spec.containers.map((c: any) => c.name)).toEqual([
      'a',
      'b',
    ]);
    expect(remove(pod(), '$.spec.containers[7]')).toEqual(pod());
  });

  it('wildcards and unions', () => {
    const p1: any = remove(pod(), '$.spec.containers[*].resources');
    expect(p1.spec.containers.every((c: any) => !('resources' in c))).toBe(true);
    expect(remove(pod(), '$.metadata.labels.*').metadata.labels).toEqual({});
    expect(remove(pod(), '$.spec.containers[0, 2]').spec.containers.map((c: any) => c.name)).toEqual(['b']);
    expect(remove(pod(), '$.spec.containers[0,0,-3]').spec.containers.map((c: any) => c.name)).toEqual([
      'b',
      'c',
    ]);
  });

  it('filters', () => {
    const names = (q: string) => remove(pod(), q).spec.containers.map((c: any) => c.name);
    expect(names("$.spec.containers[?@.name == 'b']")).toEqual(['a', 'c']);
    expect(names('$.spec.containers[?@.resources]')).toEqual(['a']);
    expect(names('$.spec.containers[?!@.resources]')).toEqual(['b', 'c']);
    expect(names("$.spec.containers[?@.resources.limits.cpu >= '2' || @.name == 'a']")).toEqual(['b']);
    expect(names("$.spec.containers[?(@.image != 'x' && @.env[0].value == '1')]")).toEqual(['a', 'b', 'c']);
    expect(names('$.spec.containers[?@.env[0].value == 1]')).toEqual(['a', 'b', 'c']); // '1' is not 1
    const env: any = remove(pod(), "$.spec.containers[?@.name=='a'].env[?@.name=='K']");
    expect(env.spec.containers[0].env).toEqual([]);
  });

  it('rejects filters it cannot evaluate', () => {
    for (const q of ['$[?@.a[*]]', '$[?1]', '$[?@.a ==]', '$[?length(@) > 1]', '$[?(@.a]']) {
      expect(() => parseRemovePath(q), q).toThrow(JsonPathSyntaxError);
    }
  });
});

describe('digestCustomTransforms (§1.3, §3.11)', () => {
  const ct = (
    name: string,
    apiGroup: string,
    resource: string,
    remove: string[],
    generation = 1,
  ): CustomTransform => ({
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'CustomTransform',
    metadata: { name, generation },
    spec: { apiGroup, resource, remove },
  });

  it('collects valid queries per group/resource and reports bad ones', () => {
    const d = digestCustomTransforms([
      ct('b', 'apps', 'deployments', ['$.spec.replicas', '$', '$[']),
      ct('a', 'apps', 'deployments', ['$.metadata.labels["x"]'], 4),
      ct('c', '', 'services', ['$.spec.clusterIP']),
    ]);
    expect(d.byGroupResource.get('apps/deployments')!.map((q) => q.text)).toEqual([
      '$.metadata.labels["x"]',
      '$.spec.replicas',
    ]);
    expect(d.byGroupResource.get('/services')!.map((q) => q.text)).toEqual(['$.spec.clusterIP']);
    const warn = 'multiple CustomTransform objects specify the same GroupResource; their names are [a b]';
    expect(d.statuses.get('a')).toEqual({ observedGeneration: 4, warnings: [warn] });
    expect(d.statuses.get('b')).toEqual({
      observedGeneration: 1,
      errors: [
        'Invalid spec.remove[1]: it identifies the whole object',
        expect.stringMatching(/^Error in spec\.remove\[2\]: /),
      ],
      warnings: [warn],
    });
    expect(d.statuses.get('c')).toEqual({ observedGeneration: 1 });
  });
});
