import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatFieldError } from '../space/errors.js';
import { defaultCRD, validateCRD } from '../space/crd/validate.js';
import { applyDefaults } from '../space/schema/defaults.js';
import { findUnknownFields, prune } from '../space/schema/prune.js';
import type { JSONSchemaProps } from '../space/schema/types.js';
import { validateValue } from '../space/schema/validate.js';
import { evalJsonPath } from '../util/jsonpath.js';
import { crdsDir, itsCrds, loadCrds, wdsCrds, wecCrds } from './crds.js';
import type { KObject } from './meta.js';

const dir = crdsDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

const all = loadCrds();

function schemaOf(plural: string): JSONSchemaProps {
  const crd = all.find((c) => c.spec.names.plural === plural);
  if (!crd) throw new Error(`no CRD for ${plural}`);
  return crd.spec.versions[0].schema.openAPIV3Schema;
}

/** What the space does to a custom resource on a strict create: unknown fields, prune, default, validate. */
function admit(plural: string, obj: KObject): string[] {
  const schema = schemaOf(plural);
  const copy = structuredClone(obj);
  const unknown = findUnknownFields(copy, schema).map((p) => `unknown field "${p}"`);
  prune(copy, schema);
  applyDefaults(copy, schema);
  return [...unknown, ...validateValue(copy, schema).map(formatFieldError)];
}

const bp = (spec: unknown): KObject => ({
  apiVersion: 'control.kubestellar.io/v1alpha1',
  kind: 'BindingPolicy',
  metadata: { name: 'p' },
  spec,
});

describe('templates/crds', () => {
  it('holds the ten CRDs, each named after its file', () => {
    expect(files).toHaveLength(10);
    for (const f of files) {
      const crd = parse(readFileSync(join(dir, f), 'utf8'));
      expect(f).toBe(`${crd.spec.group}_${crd.spec.names.plural}.yaml`);
    }
  });

  it.each(files)('%s passes the space CRD validation', (f) => {
    const crd = parse(readFileSync(join(dir, f), 'utf8'));
    defaultCRD(crd);
    expect(validateCRD(crd).map(formatFieldError)).toEqual([]);
  });

  it('declares scope, short names and status subresources as specified', () => {
    const byPlural = new Map(all.map((c) => [c.spec.names.plural, c]));
    const facts = (p: string) => {
      const c = byPlural.get(p)!;
      return [c.spec.scope, c.spec.names.shortNames ?? [], !!c.spec.versions[0].subresources?.status];
    };
    expect(facts('bindingpolicies')).toEqual(['Cluster', ['bp'], true]);
    expect(facts('bindings')).toEqual(['Cluster', ['bdg'], true]);
    expect(facts('customtransforms')).toEqual(['Cluster', ['ct'], true]);
    expect(byPlural.get('customtransforms')!.spec.names.categories).toEqual(['all']);
    expect(facts('statuscollectors')).toEqual(['Cluster', ['sc'], true]);
    expect(facts('combinedstatuses')).toEqual(['Namespaced', ['cs'], false]);
    expect(facts('workstatuses')).toEqual(['Namespaced', ['ws', 'wss'], true]);
    expect(facts('managedclusters')).toEqual(['Cluster', ['mcl', 'mcls'], true]);
    expect(facts('managedclustersets')).toEqual(['Cluster', ['mclset', 'mclsets'], true]);
    expect(facts('manifestworks')).toEqual(['Namespaced', [], true]);
    expect(facts('appliedmanifestworks')).toEqual(['Cluster', [], true]);
  });

  it('splits CRDs between WDS, ITS and WEC', () => {
    const plurals = (l: KObject[]) => l.map((c) => c.spec.names.plural).sort();
    expect(plurals(wdsCrds())).toEqual([
      'bindingpolicies',
      'bindings',
      'combinedstatuses',
      'customtransforms',
      'statuscollectors',
    ]);
    expect(plurals(itsCrds())).toEqual([
      'managedclusters',
      'managedclustersets',
      'manifestworks',
      'workstatuses',
    ]);
    expect(plurals(wecCrds())).toEqual(['appliedmanifestworks']);
  });

  it('printer columns read the intended fields', () => {
    const cs = all.find((c) => c.spec.names.plural === 'combinedstatuses')!;
    const obj = {
      metadata: {
        labels: {
          'status.kubestellar.io/api-group': 'apps',
          'status.kubestellar.io/resource': 'deployments',
          'status.kubestellar.io/namespace': 'nginx',
          'status.kubestellar.io/name': 'web',
          'status.kubestellar.io/binding-policy': 'p',
        },
      },
    };
    const cells = cs.spec.versions[0].additionalPrinterColumns.map(
      (c: { jsonPath: string }) => evalJsonPath(obj, c.jsonPath)[0],
    );
    expect(cells).toEqual(['apps', 'deployments', 'nginx', 'web', 'p']);

    const mc = all.find((c) => c.spec.names.plural === 'managedclusters')!;
    const cluster = {
      spec: { hubAcceptsClient: true, managedClusterClientConfigs: [{ url: 'https://a' }] },
      status: { conditions: [{ type: 'ManagedClusterJoined', status: 'True' }] },
    };
    const mcCells = mc.spec.versions[0].additionalPrinterColumns
      .slice(0, 3)
      .map((c: { jsonPath: string }) => evalJsonPath(cluster, c.jsonPath)[0]);
    expect(mcCells).toEqual([true, 'https://a', 'True']);
  });
});

describe('BindingPolicy validation (§1.1.3, INT-01, UNIT-04)', () => {
  it('accepts a typical policy', () => {
    const errs = admit(
      'bindingpolicies',
      bp({
        clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }],
        downsync: [
          {
            apiGroup: 'apps',
            resources: ['deployments'],
            namespaces: ['nginx'],
            objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }],
            createOnly: true,
            statusCollectors: ['a'],
            wantSingletonReportedState: true,
          },
        ],
      }),
    );
    expect(errs).toEqual([]);
  });

  it.each([
    ['unknown spec field', { junk: 1 }, 'unknown field "spec.junk"'],
    ['unknown clause field', { downsync: [{ junq: true }] }, 'unknown field "spec.downsync[0].junq"'],
    ['clause with only modulation', { downsync: [{ createOnly: true }] }, 'spec.downsync[0]: Required value'],
    [
      'obsolete statusCollection',
      { downsync: [{ statusCollection: { statusCollectors: ['phred'] } }] },
      'unknown field "spec.downsync[0].statusCollection"',
    ],
    [
      'null apiGroup is no selection field',
      { downsync: [{ apiGroup: null }] },
      'spec.downsync[0]: Required value',
    ],
  ])('rejects %s', (_name, spec, want) => {
    expect(admit('bindingpolicies', bp(spec)).join('\n')).toContain(want);
  });

  it('accepts resources ["*"] alone and an empty apiGroup', () => {
    expect(admit('bindingpolicies', bp({ downsync: [{ resources: ['*'] }] }))).toEqual([]);
    expect(admit('bindingpolicies', bp({ downsync: [{ apiGroup: '' }] }))).toEqual([]);
  });

  it('names the selection fields when a clause has none', () => {
    const errs = admit('bindingpolicies', bp({ downsync: [{ createOnly: true }] }));
    expect(errs.join('\n')).toContain('spec.downsync[0]');
    expect(errs.join('\n')).toContain('"objectSelectors"');
  });

  const withSelector = (sel: unknown) => bp({ clusterSelectors: [sel], downsync: [{ resources: ['*'] }] });

  it.each([
    [
      'matchLabels value with a comma',
      { matchLabels: { name: 'edgeplatform-test-wec1, edgeplatform-test-wec2' } },
    ],
    ['expression key starting with -', { matchExpressions: [{ key: '-model', operator: 'Exists' }] }],
    [
      'prefixed key starting with -',
      { matchExpressions: [{ key: '-kubestellar.io/model', operator: 'Exists' }] },
    ],
    ['operator OutOf', { matchExpressions: [{ key: 'model', operator: 'OutOf', values: ['a'] }] }],
    ['value with a comma', { matchExpressions: [{ key: 'gpu', operator: 'In', values: ['H100,A100'] }] }],
    ['expression without operator', { matchExpressions: [{ key: 'gpu' }] }],
    ['expression without key', { matchExpressions: [{ operator: 'Exists' }] }],
  ])('rejects a cluster selector with %s', (_name, sel) => {
    const errs = admit('bindingpolicies', withSelector(sel));
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((e) => e.startsWith('spec.clusterSelectors[0].match'))).toBe(true);
  });

  it.each([
    ['odd but valid matchLabels', { matchLabels: { 'sub.do-main.test/0.9-5_Xy': 'This-is_1.test' } }],
    [
      'a prefixed key with In',
      {
        matchExpressions: [
          { key: 'available.nvidia.models/EST_26-Apr.2024', operator: 'In', values: ['H200', 'H100'] },
        ],
      },
    ],
    ['an empty label value', { matchLabels: { region: '' } }],
    ['the empty selector', {}],
  ])('accepts a cluster selector with %s', (_name, sel) => {
    expect(admit('bindingpolicies', withSelector(sel))).toEqual([]);
  });

  it('checks patterns only in clusterSelectors, not in object selectors', () => {
    const spec = {
      downsync: [{ objectSelectors: [{ matchExpressions: [{ key: '-x', operator: 'OutOf' }] }] }],
    };
    expect(admit('bindingpolicies', bp(spec))).toEqual([]);
  });
});

describe('other kinds admit their typical objects', () => {
  it('StatusCollector limit defaults to 20', () => {
    const schema = schemaOf('statuscollectors');
    const sc: KObject = { metadata: { name: 'x' }, spec: { select: [{ name: 'n', def: 'inventory.name' }] } };
    applyDefaults(sc, schema);
    expect(sc.spec.limit).toBe(20);
    expect(validateValue(sc, schema)).toEqual([]);
  });

  it('ManagedCluster defaults the lease and checks taint effects', () => {
    const schema = schemaOf('managedclusters');
    const mc: KObject = { metadata: { name: 'c1' }, spec: { hubAcceptsClient: true } };
    applyDefaults(mc, schema);
    expect(mc.spec.leaseDurationSeconds).toBe(60);
    expect(
      admit('managedclusters', { spec: { taints: [{ key: 'k', effect: 'Never' }] }, status: {} }),
    ).not.toEqual([]);
    expect(
      admit('managedclusters', { status: { capacity: { cpu: '4', memory: '8Gi', pods: 110 } } }),
    ).toEqual([]);
  });

  it('ManagedClusterSet defaults its selector type', () => {
    const schema = schemaOf('managedclustersets');
    const set: KObject = { metadata: { name: 's' } };
    applyDefaults(set, schema);
    expect(set.spec).toEqual({ clusterSelector: { selectorType: 'ExclusiveClusterSetLabel' } });
  });

  it('ManifestWork keeps embedded manifests and validates manifest configs', () => {
    const mw: KObject = {
      metadata: { name: 'w', namespace: 'cluster1' },
      spec: {
        workload: {
          manifests: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'c', namespace: 'n' },
              data: { a: 'b' },
            },
          ],
        },
        manifestConfigs: [
          {
            resourceIdentifier: { resource: 'configmaps', name: 'c', namespace: 'n' },
            updateStrategy: { type: 'CreateOnly' },
          },
        ],
      },
    };
    expect(admit('manifestworks', mw)).toEqual([]);
    const bad = structuredClone(mw);
    bad.spec.manifestConfigs[0].updateStrategy.type = 'Sometimes';
    expect(admit('manifestworks', bad)).not.toEqual([]);
    const pruned = structuredClone(mw);
    prune(pruned, schemaOf('manifestworks'));
    expect(pruned.spec.workload.manifests[0].data).toEqual({ a: 'b' });
  });

  it('WorkStatus keeps any status verbatim', () => {
    const ws: KObject = {
      metadata: { name: 'w', namespace: 'cluster1' },
      spec: {
        sourceRef: {
          group: 'apps',
          version: 'v1',
          resource: 'deployments',
          kind: 'Deployment',
          namespace: 'n',
          name: 'd',
        },
      },
      status: { availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
      statusDetails: {
        lastGeneration: 0,
        lastGenerationIsApplied: false,
        lastCurrencyUpdateTime: '1970-01-01T00:00:00Z',
      },
    };
    expect(admit('workstatuses', ws)).toEqual([]);
  });

  it('CombinedStatus accepts every value encoding, including the CEL-null quirk', () => {
    const cs: KObject = {
      metadata: { name: 'u1.u2', namespace: 'nginx' },
      results: [
        {
          name: 'c',
          columnNames: ['a', 'b', 'c', 'd'],
          rows: [
            {
              columns: [
                { type: 'String', string: 'x' },
                { type: 'Number', float: 'NaN' },
                { type: 'Object', object: 0 },
                { type: 'Object', object: { k: [1, 2] } },
              ],
            },
          ],
          rowErrors: [{ wec: { clusterId: 'c1' }, columnName: '', error: 'e' }],
        },
      ],
    };
    expect(admit('combinedstatuses', cs)).toEqual([]);
  });
});
