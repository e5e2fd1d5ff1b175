import { describe, expect, it } from 'vitest';
import { globMatch, identifyManifest, resolveConfig } from './identity.js';
import { deployment, resolve } from './test-fixtures.js';

describe('identifyManifest', () => {
  it('resolves group, version, kind, resource and namespace', () => {
    const r = identifyManifest(3, deployment('web'), resolve);
    expect(r.error).toBeUndefined();
    expect(r.meta).toEqual({
      ordinal: 3,
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      resource: 'deployments',
      name: 'web',
      namespace: 'demo',
    });
    expect(r.id).toMatchObject({ resource: 'deployments', namespaced: true, namespace: 'demo' });
  });

  it('drops the namespace of a cluster-scoped object', () => {
    const r = identifyManifest(
      0,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'x', namespace: 'junk' },
      },
      resolve,
    );
    expect(r.id?.namespace).toBe('');
    expect(r.meta.namespace).toBe('');
  });

  it('leaves the identity open when the kind is not served', () => {
    const r = identifyManifest(
      1,
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' } },
      resolve,
    );
    expect(r.id).toBeUndefined();
    expect(r.error).toBeUndefined();
    expect(r.meta).toMatchObject({ group: 'example.com', version: 'v1', kind: 'Widget', resource: '' });
  });

  it('reports manifests that cannot be applied as written', () => {
    expect(identifyManifest(0, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, resolve).error).toMatch(
      /no metadata.name/,
    );
    expect(identifyManifest(0, { kind: 'ConfigMap', metadata: { name: 'a' } }, resolve).error).toMatch(
      /no apiVersion or kind/,
    );
    expect(
      identifyManifest(0, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, resolve).error,
    ).toMatch(/namespaced/);
  });
});

describe('resolveConfig', () => {
  const id = { group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' };

  it('defaults to Update with no rules', () => {
    expect(resolveConfig(undefined, id)).toEqual({
      strategy: { type: 'Update' },
      feedbackRules: [],
      conditionRules: [],
    });
  });

  it('merges matching entries: first with each part wins', () => {
    const cfg = resolveConfig(
      [
        {
          resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'other', name: 'web' },
          updateStrategy: { type: 'ReadOnly' },
        },
        {
          resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'de*', name: '*' },
          feedbackRules: [{ type: 'WellKnownStatus' }],
        },
        {
          resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' },
          updateStrategy: { type: 'ServerSideApply' },
          feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'x', path: '.spec' }] }],
        },
      ],
      id,
    );
    expect(cfg.strategy).toEqual({ type: 'ServerSideApply', fieldManager: 'work-agent', force: false });
    expect(cfg.feedbackRules).toEqual([{ type: 'WellKnownStatus' }]);
  });

  it('requires exact group and resource', () => {
    const cfg = resolveConfig(
      [
        {
          resourceIdentifier: { resource: 'deployments', name: 'web', namespace: 'demo' },
          updateStrategy: { type: 'CreateOnly' },
        },
      ],
      id,
    );
    expect(cfg.strategy.type).toBe('Update');
  });

  it('matches cluster-scoped objects only with an empty namespace pattern', () => {
    const cr = { group: '', resource: 'namespaces', namespace: '', name: 'demo' };
    expect(
      resolveConfig(
        [
          {
            resourceIdentifier: { resource: 'namespaces', name: 'demo' },
            updateStrategy: { type: 'CreateOnly' },
          },
        ],
        cr,
      ).strategy.type,
    ).toBe('CreateOnly');
    expect(
      resolveConfig(
        [
          {
            resourceIdentifier: { resource: 'namespaces', name: 'demo', namespace: 'x' },
            updateStrategy: { type: 'CreateOnly' },
          },
        ],
        cr,
      ).strategy.type,
    ).toBe('Update');
  });

  it('keeps SSA options', () => {
    const cfg = resolveConfig(
      [
        {
          resourceIdentifier: { resource: 'configmaps', name: 'a', namespace: 'demo' },
          updateStrategy: {
            type: 'ServerSideApply',
            serverSideApply: { force: true, fieldManager: 'work-agent-x' },
          },
        },
      ],
      { group: '', resource: 'configmaps', namespace: 'demo', name: 'a' },
    );
    expect(cfg.strategy).toEqual({ type: 'ServerSideApply', fieldManager: 'work-agent-x', force: true });
  });
});

describe('globMatch', () => {
  it('treats * as any run and everything else literally', () => {
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a*c', 'abbbc')).toBe(true);
    expect(globMatch('a.c', 'abc')).toBe(false);
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('', 'x')).toBe(false);
  });
});
