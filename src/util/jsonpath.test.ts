import { describe, expect, it } from 'vitest';
import { compileJsonPath, evalJsonPath, JsonPathError } from './jsonpath.js';

const deploy = {
  metadata: {
    name: 'web',
    labels: { app: 'web', 'app.kubernetes.io/name': 'shop' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: {
    replicas: 3,
    paused: false,
    template: {
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.26', ports: [{ containerPort: 80 }, { containerPort: 443 }] },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    },
  },
  status: {
    replicas: 3,
    conditions: [
      { type: 'Available', status: 'True', count: 2 },
      { type: 'Progressing', status: 'False', count: 5 },
      { type: 'Ready', status: 'True' },
      { status: 'Unknown' },
    ],
  },
};

const q = (path: string) => evalJsonPath(deploy, path);

describe('evalJsonPath', () => {
  it('follows dotted fields, with or without braces and $', () => {
    expect(q('.spec.replicas')).toEqual([3]);
    expect(q('{.spec.replicas}')).toEqual([3]);
    expect(q(' { .metadata.name } ')).toEqual(['web']);
    expect(q('$.metadata.name')).toEqual(['web']);
    expect(q('{$.metadata.name}')).toEqual(['web']);
    expect(q('spec.replicas')).toEqual([3]);
    expect(q('.spec.paused')).toEqual([false]);
    expect(q('.')).toEqual([deploy]);
    expect(q('{$}')).toEqual([deploy]);
  });

  it('indexes, slices and spreads lists', () => {
    expect(q('.spec.template.spec.containers[0].name')).toEqual(['nginx']);
    expect(q('.spec.template.spec.containers[-1].name')).toEqual(['sidecar']);
    expect(q('.spec.template.spec.containers[*].image')).toEqual(['nginx:1.26', 'busybox']);
    expect(q('.spec.template.spec.containers[*].ports[*].containerPort')).toEqual([80, 443]);
    expect(q('.status.conditions[1:3].type')).toEqual(['Progressing', 'Ready']);
    expect(q('.status.conditions[::2].status')).toEqual(['True', 'True']);
    expect(q('.status.conditions[-2:].status')).toEqual(['True', 'Unknown']);
    expect(q('.metadata.labels.*')).toEqual(['web', 'shop']);
    expect(q('.metadata.labels[*]')).toEqual(['web', 'shop']);
  });

  it('reads quoted and escaped keys', () => {
    expect(q(".metadata.labels['app.kubernetes.io/name']")).toEqual(['shop']);
    expect(q('.metadata.labels["app.kubernetes.io/name"]')).toEqual(['shop']);
    expect(q(".metadata.labels['app', 'app.kubernetes.io/name']")).toEqual(['web', 'shop']);
    expect(q('.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration')).toEqual(['{}']);
  });

  it('filters lists', () => {
    expect(q('.status.conditions[?(@.type=="Ready")].status')).toEqual(['True']);
    expect(q(".status.conditions[?(@.type == 'Available')].status")).toEqual(['True']);
    expect(q('.status.conditions[?(@.status!="True")].type')).toEqual(['Progressing']);
    expect(q('.status.conditions[?(@.count)].type')).toEqual(['Available', 'Progressing']);
    expect(q('.status.conditions[?(@.count>2)].type')).toEqual(['Progressing']);
    expect(q('.status.conditions[?(@.count<=2)].type')).toEqual(['Available']);
    expect(q('.status.conditions[?(@.type>="Q")].type')).toEqual(['Ready']);
    expect(q('.spec.template.spec.containers[?(@.ports[1].containerPort==443)].name')).toEqual(['nginx']);
    expect(evalJsonPath({ a: [{ ok: true }, { ok: false }] }, '.a[?(@.ok==true)]')).toEqual([{ ok: true }]);
    expect(evalJsonPath({ a: ['x', 'y'] }, '.a[?(@=="y")]')).toEqual(['y']);
  });

  it('yields nothing for what is not there', () => {
    expect(q('.spec.missing')).toEqual([]);
    expect(q('.spec.missing.deeper[0]')).toEqual([]);
    expect(q('.spec.template.spec.containers[5].name')).toEqual([]);
    expect(q('.spec.replicas.x')).toEqual([]);
    expect(q('.spec.replicas[0]')).toEqual([]);
    expect(q('.status.conditions[?(@.type=="Nope")].status')).toEqual([]);
    expect(q('.metadata[?(@.x)]')).toEqual([]);
    expect(q('.metadata.constructor')).toEqual([]);
    expect(evalJsonPath(null, '.a')).toEqual([]);
  });

  it.each([
    '',
    '{}',
    '{.a',
    '{.a}{.b}',
    '.a..b',
    '.a.',
    '.a[',
    '.a[0',
    '.a[x]',
    '.a[1:2:0]',
    ".a['x]",
    '.a[?(@.b=)]',
    '.a[?(@.b ~ 1)]',
    '.a[?(1)]',
    '.a[?(@.b=="x"]',
    '.a b',
  ])('rejects %j', (path) => {
    expect(() => evalJsonPath(deploy, path)).toThrow(JsonPathError);
  });
});

describe('compileJsonPath', () => {
  it('compiles once and evaluates against many objects', () => {
    const ready = compileJsonPath('.status.conditions[?(@.type=="Ready")].status');
    expect(ready(deploy)).toEqual(['True']);
    expect(ready({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toEqual(['False']);
    expect(ready({})).toEqual([]);
  });

  it('reports syntax errors at compile time', () => {
    expect(() => compileJsonPath('.a[?(@.b==)]')).toThrow(/invalid JSONPath/);
  });
});
