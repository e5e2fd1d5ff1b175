import { describe, expect, it } from 'vitest';
import type { WorkStatus } from '../../api/control.js';
import type { ManifestWork } from '../../api/ocm.js';
import { aggregateStatuses, mergeConditions } from './rules-multiwec.js';
import {
  computeStatusAction,
  decideReportedState,
  isNoop,
  returnedFromManifestWorks,
  returnedFromWorkStatuses,
  statusMergePatch,
  type ReportedStateRequest,
  type StatusTarget,
} from './rules.js';

const SINGLETON = 'managed-by.kubestellar.io/singletonstatus';
const MULTI = 'managed-by.kubestellar.io/multiwecstatus';

const req = (s: string[] | false, m: string[] | false = false): ReportedStateRequest => ({
  singleton: s !== false,
  singletonWECs: s || [],
  multi: m !== false,
  multiWECs: m || [],
});
const deploy = (labels: Record<string, string> = {}, status?: unknown): StatusTarget => ({
  group: 'apps',
  kind: 'Deployment',
  labels,
  status,
});
const avail = (n: number, extra: Record<string, unknown> = {}) => ({
  replicas: 1,
  availableReplicas: n,
  readyReplicas: n,
  ...extra,
});

describe('decideReportedState (§4.3 table)', () => {
  it.each([
    [req(false), { mode: 'clear' }],
    [req(['c1']), { mode: 'singleton', wec: 'c1' }],
    [req([]), { mode: 'clear' }],
    [req(['c1', 'c2']), { mode: 'clear' }],
    [req(false, ['c2']), { mode: 'singleton', wec: 'c2' }],
    [req(false, ['c2', 'c1']), { mode: 'multi', wecs: ['c1', 'c2'] }],
    [req(false, []), { mode: 'clear' }],
    [req(['c1'], ['c1']), { mode: 'singleton', wec: 'c1' }],
    [req(['c1'], ['c2']), { mode: 'multi', wecs: ['c1', 'c2'] }],
    [req([], []), { mode: 'multi', wecs: [] }],
  ])('%j -> %j', (r, want) => {
    expect(decideReportedState(r)).toEqual(want);
  });
});

describe('computeStatusAction', () => {
  it('E2E-14: copies the single WEC status and marks the object', () => {
    const a = computeStatusAction(deploy(), req(['cluster1']), [
      { wec: 'cluster1', status: avail(1) },
      { wec: 'cluster2', status: avail(0) },
    ]);
    expect(a).toEqual({ addLabels: [SINGLETON], status: avail(1), removeLabels: [] });
  });

  it('does nothing when status and label are already right, or the WEC has not reported yet', () => {
    expect(
      isNoop(
        computeStatusAction(deploy({ [SINGLETON]: 'true' }, avail(1)), req(['c1']), [
          { wec: 'c1', status: avail(1) },
        ]),
      ),
    ).toBe(true);
    expect(isNoop(computeStatusAction(deploy(), req(['c1']), [{ wec: 'c1' }]))).toBe(true);
  });

  it('E2E-14/E2E-15: clears when the qualified WEC set is empty, only if KubeStellar wrote status', () => {
    const cleared = computeStatusAction(deploy({ [SINGLETON]: 'true' }, avail(1)), req([]), [
      { wec: 'cluster1', status: avail(1) },
    ]);
    expect(cleared).toEqual({ addLabels: [], status: {}, removeLabels: [SINGLETON] });
    expect(isNoop(computeStatusAction(deploy({}, avail(1)), req([]), []))).toBe(true);
    expect(isNoop(computeStatusAction(deploy({}, avail(1)), req(false), []))).toBe(true);
  });

  it('E2E-16: after downtime an object still marked but no longer requested is cleared', () => {
    expect(computeStatusAction(deploy({ [SINGLETON]: 'true' }, avail(1)), req(false), [])).toEqual({
      addLabels: [],
      status: {},
      removeLabels: [SINGLETON],
    });
    expect(computeStatusAction(deploy({ [SINGLETON]: 'true', [MULTI]: 'true' }, {}), req(false), [])).toEqual(
      {
        addLabels: [],
        removeLabels: [SINGLETON, MULTI],
      },
    );
  });

  it('clears when the single WEC has no or several returned statuses', () => {
    const marked = deploy({ [SINGLETON]: 'true' }, avail(1));
    expect(computeStatusAction(marked, req(['c1']), []).status).toEqual({});
    expect(
      computeStatusAction(marked, req(['c1']), [
        { wec: 'c1', status: avail(1) },
        { wec: 'c1', status: avail(1) },
      ]).status,
    ).toEqual({});
  });

  it('never returns status into Namespaces or CRDs', () => {
    const ns: StatusTarget = {
      group: '',
      kind: 'Namespace',
      labels: { [SINGLETON]: 'true' },
      status: { phase: 'Active' },
    };
    expect(
      isNoop(computeStatusAction(ns, req(['c1']), [{ wec: 'c1', status: { phase: 'Terminating' } }])),
    ).toBe(true);
    const crd: StatusTarget = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', labels: {} };
    expect(isNoop(computeStatusAction(crd, req(['c1']), [{ wec: 'c1', status: { x: 1 } }]))).toBe(true);
  });

  it('multi-WEC: one status present is a singleton copy, none clears', () => {
    const one = computeStatusAction(deploy({ [MULTI]: 'true' }), req(false, ['c1', 'c2']), [
      { wec: 'c1' },
      { wec: 'c2', status: avail(1) },
    ]);
    expect(one).toEqual({ addLabels: [SINGLETON], status: avail(1), removeLabels: [MULTI] });
    const none = computeStatusAction(deploy({ [MULTI]: 'true' }, avail(1)), req(false, ['c1', 'c2']), [
      { wec: 'c1' },
    ]);
    expect(none).toEqual({ addLabels: [], status: {}, removeLabels: [MULTI] });
  });

  it('multi-WEC Deployment: upstream numeric rules, merged conditions, only qualified WECs', () => {
    const cond = (type: string, status: string, t: string, reason = 'R') => ({
      type,
      status,
      lastTransitionTime: t,
      reason,
      message: `${type} ${t}`,
    });
    const a = computeStatusAction(deploy({ [SINGLETON]: 'true' }), req(false, ['c1', 'c2']), [
      {
        wec: 'c1',
        status: {
          replicas: 3,
          availableReplicas: 3,
          readyReplicas: 3,
          updatedReplicas: 3,
          observedGeneration: 2,
          conditions: [cond('Available', 'True', '2024-01-01')],
        },
      },
      {
        wec: 'c2',
        status: {
          replicas: 3,
          availableReplicas: 1,
          readyReplicas: 2,
          unavailableReplicas: 2,
          observedGeneration: 2,
          extra: 'dropped',
          conditions: [cond('Available', 'False', '2024-01-02', 'MinimumReplicasUnavailable')],
        },
      },
      { wec: 'c3', status: { replicas: 0 } },
    ]);
    expect(a.addLabels).toEqual([MULTI]);
    expect(a.removeLabels).toEqual([SINGLETON]);
    expect(a.status).toEqual({
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 1,
      readyReplicas: 2,
      observedGeneration: 2,
      unavailableReplicas: 2,
      conditions: [
        {
          type: 'Available',
          status: 'False',
          lastTransitionTime: '2024-01-02',
          reason: 'MinimumReplicasUnavailable',
          message: 'Available 2024-01-02',
        },
      ],
    });
  });

  it('gives a stable result whatever order the WECs come in', () => {
    const recs = [
      { wec: 'b', status: { phase: 'Running', ready: true } },
      { wec: 'a', status: { phase: 'Running', ready: false } },
    ];
    const x = computeStatusAction({ group: '', kind: 'Pod' }, req(false, ['a', 'b']), recs);
    const y = computeStatusAction({ group: '', kind: 'Pod' }, req(false, ['a', 'b']), [...recs].reverse());
    expect(x).toEqual(y);
    expect(x.status).toEqual({ phase: 'Running', ready: false });
  });
});

describe('aggregateStatuses', () => {
  it('DaemonSet and ReplicaSet baselines; absent fields are 0', () => {
    expect(
      aggregateStatuses('apps', 'DaemonSet', [
        { numberReady: 2, numberMisscheduled: 0 },
        { numberReady: 1, numberMisscheduled: 3 },
      ]),
    ).toEqual({
      currentNumberScheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 1,
      observedGeneration: 0,
      updatedNumberScheduled: 0,
      numberAvailable: 0,
      numberMisscheduled: 3,
    });
    const rs = aggregateStatuses('apps', 'ReplicaSet', [
      { replicas: 2, readyReplicas: 1.5 },
      { replicas: 1 },
    ]);
    expect(rs).toMatchObject({ replicas: 1, readyReplicas: 0, conditions: [] });
  });

  it('[IMPROVE] generic merge for other kinds (StatefulSet, Job, custom)', () => {
    expect(
      aggregateStatuses('apps', 'StatefulSet', [
        { replicas: 3, readyReplicas: 3, currentRevision: 'r1', collisionCount: 0 },
        { replicas: 3, readyReplicas: 2, currentRevision: 'r1', collisionCount: 1 },
      ]),
    ).toEqual({ replicas: 3, readyReplicas: 2, currentRevision: 'r1', collisionCount: 1 });
    const done = (t: string) => ({
      succeeded: 1,
      failed: 0,
      completionTime: t,
      conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: t }],
    });
    expect(
      aggregateStatuses('batch', 'Job', [done('2024-01-01T00:00:00Z'), done('2024-01-02T00:00:00Z')]),
    ).toEqual({
      succeeded: 1,
      failed: 0,
      conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2024-01-02T00:00:00Z' }],
    });
    expect(
      aggregateStatuses('example.com', 'Widget', [
        { a: { b: 2, c: [1] } },
        { a: { b: 1, c: [2] }, d: 'only here' },
      ]),
    ).toEqual({
      a: { b: 1 },
      d: 'only here',
    });
  });

  it('merges conditions three-valued', () => {
    const c = (status: string) => [{ type: 'Ready', status, lastTransitionTime: 't' }];
    expect(mergeConditions([c('True'), c('True')])[0].status).toBe('True');
    expect(mergeConditions([c('True'), c('Unknown')])[0].status).toBe('Unknown');
    expect(mergeConditions([c('True'), []])[0].status).toBe('Unknown');
    expect(mergeConditions([c('Unknown'), c('False')])[0].status).toBe('False');
  });
});

describe('sources of returned status', () => {
  const id = {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespace: 'nginx',
    name: 'nginx',
  };
  const ws = (
    ns: string,
    over: Partial<typeof id> = {},
    labels: Record<string, string> = {},
    status?: Record<string, unknown>,
  ): WorkStatus => ({
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'WorkStatus',
    metadata: { name: `x-${ns}`, namespace: ns, labels },
    spec: { sourceRef: { ...id, ...over } },
    ...(status ? { status } : {}),
  });

  it('matches WorkStatus by full identity (namespace included) and by WDS', () => {
    const list = [
      ws('cluster1', {}, { 'transport.kubestellar.io/originWdsName': 'wds1' }, avail(1)),
      ws('cluster2', {}, {}, avail(2)),
      ws('cluster3', {}, { 'transport.kubestellar.io/originWdsName': 'wds2' }, avail(3)),
      ws('cluster1', { namespace: 'other' }, {}, avail(4)),
      ws('cluster1', { version: 'v1beta1' }, {}, avail(5)),
      ws('cluster4'),
    ];
    expect(returnedFromWorkStatuses(list, id, 'wds1')).toEqual([
      { wec: 'cluster1', status: avail(1) },
      { wec: 'cluster2', status: avail(2) },
      { wec: 'cluster4', status: undefined },
    ]);
  });

  it('reads a whole status from ManifestWork feedback, once per WEC', () => {
    const work = (ns: string, jsonRaw?: string): ManifestWork => ({
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      metadata: { name: `w-${ns}-${jsonRaw ? 1 : 0}`, namespace: ns },
      status: {
        resourceStatus: {
          manifests: [
            {
              resourceMeta: {
                ordinal: 0,
                group: 'apps',
                version: 'v1',
                kind: 'Deployment',
                resource: 'deployments',
                namespace: 'nginx',
                name: 'nginx',
              },
              conditions: [],
              ...(jsonRaw
                ? {
                    statusFeedback: {
                      values: [{ name: 'status', fieldValue: { type: 'JsonRaw' as const, jsonRaw } }],
                    },
                  }
                : {}),
            },
          ],
        },
      },
    });
    const got = returnedFromManifestWorks(
      [work('c1'), work('c1', '{"availableReplicas":1}'), work('c2', 'not json'), work('c3')],
      id,
    );
    expect(got).toEqual([
      { wec: 'c1', status: { availableReplicas: 1 } },
      { wec: 'c2', status: undefined },
      { wec: 'c3', status: undefined },
    ]);
  });

  it('[IMPROVE] builds merge patches that really clear', () => {
    expect(statusMergePatch({ a: 1, b: { c: 2 } }, {})).toEqual({ status: { a: null, b: null } });
    expect(statusMergePatch({ a: 1 }, { a: 2, d: 3 })).toEqual({ status: { a: 2, d: 3 } });
  });
});
