import { describe, expect, it } from 'vitest';
import type { ManifestWork } from '../../api/ocm.js';
import { statusFeedbackRule } from './feedback.js';
import { planWork } from './plan.js';
import { buildManifestWorkStatus, generationApplied, type ManifestOutcome } from './status.js';
import { configMap, deployment, liveOf, resolve, work } from './test-fixtures.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const T1 = T0 + 60_000;

function setup(manifests = [deployment('web'), configMap('cfg')], extra: Partial<ManifestWork['spec']> = {}) {
  const w = work(
    {
      workload: { manifests },
      manifestConfigs: [
        {
          resourceIdentifier: { group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' },
          feedbackRules: [{ type: 'WellKnownStatus' }, statusFeedbackRule()],
        },
      ],
      ...extra,
    },
    4,
    'w1',
    false,
  );
  return { w, plan: planWork(w, [], { resolve }) };
}

const ok = (obj: ReturnType<typeof deployment>, status?: unknown): ManifestOutcome => ({
  applied: true,
  live: liveOf(obj, { status }),
});

describe('buildManifestWorkStatus', () => {
  it('writes OCM conditions, resourceMeta and feedback for a healthy work', () => {
    const { w, plan } = setup();
    const outcomes = new Map([
      [0, ok(deployment('web'), { replicas: 2, readyReplicas: 2, availableReplicas: 2 })],
      [1, ok(configMap('cfg'))],
    ]);
    const { status, changed } = buildManifestWorkStatus({ work: w, plan, outcomes, now: T0 });
    expect(changed).toBe(true);
    expect(
      status.conditions!.map((c) => [
        c.type,
        c.status,
        c.reason,
        c.message,
        c.observedGeneration,
        c.lastTransitionTime,
      ]),
    ).toEqual([
      [
        'Applied',
        'True',
        'AppliedManifestWorkComplete',
        'Apply manifest work complete',
        4,
        '2024-05-01T10:00:00Z',
      ],
      ['Available', 'True', 'ResourcesAvailable', 'All resources are available', 4, '2024-05-01T10:00:00Z'],
      ['Degraded', 'False', 'ResourcesNotDegraded', 'No resource is degraded', 4, '2024-05-01T10:00:00Z'],
    ]);
    const [m0, m1] = status.resourceStatus!.manifests!;
    expect(m0.resourceMeta).toEqual({
      ordinal: 0,
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      resource: 'deployments',
      name: 'web',
      namespace: 'demo',
    });
    expect(m0.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Applied', 'True', 'AppliedManifestComplete'],
      ['Available', 'True', 'ResourceAvailable'],
      ['StatusFeedbackSynced', 'True', 'StatusFeedbackSynced'],
    ]);
    expect(m0.statusFeedback!.values!.map((v) => v.name)).toEqual([
      'ReadyReplicas',
      'Replicas',
      'AvailableReplicas',
      'status',
    ]);
    expect(JSON.parse(m0.statusFeedback!.values![3].fieldValue.jsonRaw!)).toEqual({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(m1.statusFeedback).toEqual({});
    expect(m1.conditions[2]).toMatchObject({
      type: 'StatusFeedbackSynced',
      status: 'True',
      reason: 'NoStatusFeedbackSynced',
      message: '',
    });
  });

  it('is stable: same facts later give an identical status and no change', () => {
    const { w, plan } = setup();
    const outcomes = new Map([
      [0, ok(deployment('web'), { replicas: 2 })],
      [1, ok(configMap('cfg'))],
    ]);
    const first = buildManifestWorkStatus({ work: w, plan, outcomes, now: T0 });
    const second = buildManifestWorkStatus({ work: { ...w, status: first.status }, plan, outcomes, now: T1 });
    expect(second.changed).toBe(false);
    expect(second.status).toEqual(first.status);
  });

  it('moves transition times only for conditions whose status changed', () => {
    const { w, plan } = setup();
    const first = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map([
        [0, ok(deployment('web'))],
        [1, ok(configMap('cfg'))],
      ]),
      now: T0,
    });
    const gone = new Map<number, ManifestOutcome>([
      [0, ok(deployment('web'))],
      [1, { applied: true }],
    ]);
    const second = buildManifestWorkStatus({
      work: { ...w, status: first.status },
      plan,
      outcomes: gone,
      now: T1,
    });
    expect(second.changed).toBe(true);
    const avail = second.status.conditions!.find((c) => c.type === 'Available')!;
    expect(avail).toMatchObject({
      status: 'False',
      reason: 'ResourcesNotAvailable',
      message: '1 of 2 resources are not available',
      lastTransitionTime: '2024-05-01T10:01:00Z',
    });
    expect(second.status.conditions!.find((c) => c.type === 'Applied')!.lastTransitionTime).toBe(
      '2024-05-01T10:00:00Z',
    );
  });

  it('reports apply failures, waits and unknown kinds', () => {
    const { w, plan } = setup([
      deployment('web'),
      configMap('cfg'),
      { apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't', namespace: 'demo' } },
    ]);
    const outcomes = new Map<number, ManifestOutcome>([
      [0, { applyError: 'admission webhook denied', live: undefined }],
      [1, { applied: true, fetchError: 'connection refused' }],
    ]);
    const { status } = buildManifestWorkStatus({ work: w, plan, outcomes, now: T0 });
    const [m0, m1, m2] = status.resourceStatus!.manifests!;
    expect(m0.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'AppliedManifestFailed',
      message: 'Failed to apply manifest: admission webhook denied',
    });
    expect(m0.conditions[2]).toMatchObject({ status: 'False', reason: 'StatusFeedbackSyncFailed' });
    expect(m1.conditions[1]).toMatchObject({
      status: 'Unknown',
      reason: 'FetchingResourceFailed',
      message: 'Failed to fetch resource: connection refused',
    });
    expect(m2.conditions[0].message).toBe(
      'Failed to apply manifest: no matches for kind "Thing" in version "x.io/v1"',
    );
    expect(m2.conditions[1]).toMatchObject({ status: 'Unknown', reason: 'IncompletedResourceMeta' });
    expect(status.conditions![0]).toMatchObject({
      type: 'Applied',
      status: 'False',
      reason: 'AppliedManifestWorkFailed',
    });
    expect(status.conditions![1]).toMatchObject({
      status: 'False',
      reason: 'ResourcesNotAvailable',
      message: '1 of 3 resources are not available',
    });
  });

  it('aggregates Unknown availability', () => {
    const { w, plan } = setup([configMap('a'), configMap('b')]);
    const { status } = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map<number, ManifestOutcome>([
        [0, ok(configMap('a'))],
        [1, { applied: true, fetchError: 'x' }],
      ]),
      now: T0,
    });
    expect(status.conditions![1]).toMatchObject({
      status: 'Unknown',
      reason: 'ResourcesStatusUnknown',
      message: '1 of 2 resources have unknown status',
    });
  });

  it('keeps the previous Applied condition of a manifest with no outcome this pass', () => {
    const { w, plan } = setup([configMap('a')]);
    const first = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map([[0, ok(configMap('a'))]]),
      now: T0,
    });
    const second = buildManifestWorkStatus({
      work: { ...w, status: first.status },
      plan,
      outcomes: new Map(),
      now: T1,
    });
    expect(second.status.resourceStatus!.manifests![0].conditions[0]).toMatchObject({
      status: 'True',
      lastTransitionTime: '2024-05-01T10:00:00Z',
    });
    const fresh = buildManifestWorkStatus({ work: w, plan, outcomes: new Map(), now: T0 });
    expect(fresh.status.resourceStatus!.manifests![0].conditions[0]).toMatchObject({
      status: 'False',
      message: 'Failed to apply manifest: not applied yet',
    });
  });

  it('derives Degraded from failing workloads and evaluates well-known condition rules', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'demo' }, spec: {} };
    const { w, plan } = setup([deployment('web'), job], {
      manifestConfigs: [
        {
          resourceIdentifier: { group: 'batch', resource: 'jobs', namespace: 'demo', name: 'j' },
          conditionRules: [{ condition: 'Complete', type: 'WellKnownConditions' }],
        },
      ],
    });
    const failedJob = { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] };
    const stuck = {
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    };
    const { status } = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map([
        [0, ok(deployment('web'), stuck)],
        [1, ok(job, failedJob)],
      ]),
      now: T0,
    });
    expect(status.conditions![2]).toMatchObject({
      type: 'Degraded',
      status: 'True',
      reason: 'ResourcesDegraded',
      message:
        '2 of 2 resources are degraded: Deployment demo/web: ProgressDeadlineExceeded; Job demo/j: BackoffLimitExceeded',
    });
    expect(status.resourceStatus!.manifests![1].conditions[3]).toMatchObject({
      type: 'Complete',
      status: 'True',
      reason: 'ConditionRuleEvaluated',
    });
    const noDegraded = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map(),
      now: T0,
      degraded: false,
    });
    expect(noDegraded.status.conditions!.map((c) => c.type)).toEqual(['Applied', 'Available']);
  });

  it('keeps conditions written by others after its own', () => {
    const { w, plan } = setup([configMap('a')]);
    w.status = {
      conditions: [
        {
          type: 'Custom',
          status: 'True',
          reason: 'X',
          message: '',
          lastTransitionTime: '2020-01-01T00:00:00Z',
        },
      ],
    };
    const { status } = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map([[0, ok(configMap('a'))]]),
      now: T0,
    });
    expect(status.conditions!.map((c) => c.type)).toEqual(['Applied', 'Available', 'Degraded', 'Custom']);
  });
});

describe('generationApplied', () => {
  it('is true only when Applied is True for the current generation', () => {
    const { w, plan } = setup([configMap('a')]);
    const { status } = buildManifestWorkStatus({
      work: w,
      plan,
      outcomes: new Map([[0, ok(configMap('a'))]]),
      now: T0,
    });
    expect(generationApplied({ ...w, status })).toBe(true);
    expect(generationApplied({ ...w, metadata: { ...w.metadata, generation: 5 }, status })).toBe(false);
    expect(generationApplied(w)).toBe(false);
  });
});
