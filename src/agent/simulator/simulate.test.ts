import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/meta.js';
import { SIM_BEHAVIOR_ANNOTATION, SIM_DELAY_ANNOTATION, type SimOptions } from './common.js';
import { simulate, withStatus } from './simulate.js';
import { replicaSetName } from './workloads.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const CREATED = '2024-05-01T10:00:00Z';

function obj(
  apiVersion: string,
  kind: string,
  spec: Record<string, unknown>,
  extra: { generation?: number; annotations?: Record<string, string>; status?: unknown } = {},
): KObject {
  const o: KObject = {
    apiVersion,
    kind,
    metadata: {
      name: 'x',
      namespace: 'demo',
      uid: 'uid-x',
      generation: extra.generation ?? 1,
      creationTimestamp: CREATED,
    },
    spec,
  };
  if (extra.annotations) o.metadata!.annotations = extra.annotations;
  if (extra.status !== undefined) o.status = extra.status;
  return o;
}

const template = {
  metadata: { labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const deployment = (replicas: number, extra = {}) =>
  obj('apps/v1', 'Deployment', { replicas, template }, extra);

/** Applies simulate at `now` until it has nothing to write; returns the object and write count. */
function settle(
  o: KObject,
  now: number,
  opts: SimOptions = {},
): { obj: KObject; writes: number; requeueAfterMs?: number } {
  let writes = 0;
  for (;;) {
    const r = simulate(o, now, opts);
    if (!r?.status) return { obj: o, writes, requeueAfterMs: r?.requeueAfterMs };
    o = withStatus(o, r.status);
    if (++writes > 5) throw new Error('simulate does not converge');
  }
}

describe('Deployment', () => {
  it('becomes available at once with no delay, with upstream reasons', () => {
    const { obj: d, writes } = settle(deployment(3), T0);
    expect(writes).toBe(1);
    expect(d.status).toEqual({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: '2024-05-01T10:00:00Z',
          lastTransitionTime: '2024-05-01T10:00:00Z',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: '2024-05-01T10:00:00Z',
          lastTransitionTime: '2024-05-01T10:00:00Z',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${replicaSetName(d)}" has successfully progressed.`,
        },
      ],
    });
    expect(replicaSetName(d)).toMatch(/^x-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(simulate(d, T0 + 3_600_000)).toBeUndefined();
  });

  it('progresses during the delay, then becomes available', () => {
    const opts = { readyDelayMs: 5000 };
    const first = settle(deployment(2), T0, opts);
    expect(first.requeueAfterMs).toBe(5000);
    expect(first.obj.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      unavailableReplicas: 2,
    });
    expect(first.obj.status.readyReplicas).toBeUndefined();
    expect(first.obj.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'False', 'MinimumReplicasUnavailable'],
      ['Progressing', 'True', 'ReplicaSetUpdated'],
    ]);
    expect(simulate(first.obj, T0 + 2000, opts)).toEqual({ requeueAfterMs: 3000 });
    const done = settle(first.obj, T0 + 5000, opts);
    expect(done.writes).toBe(1);
    expect(done.obj.status.availableReplicas).toBe(2);
    expect(done.obj.status.conditions[0]).toMatchObject({
      status: 'True',
      lastTransitionTime: '2024-05-01T10:00:05Z',
    });
  });

  it('rolls out a new generation keeping old pods available until the delay passes', () => {
    const opts = { readyDelayMs: 10_000 };
    const ready = settle(deployment(2), T0).obj;
    const updated = {
      ...ready,
      metadata: { ...ready.metadata, generation: 2 },
      spec: { ...ready.spec, template: { ...template, metadata: { labels: { app: 'y' } } } },
    };
    const mid = settle(updated, T0 + 60_000, opts);
    expect(mid.requeueAfterMs).toBe(10_000);
    expect(mid.obj.status).toMatchObject({ observedGeneration: 2, availableReplicas: 2 });
    expect(mid.obj.status.updatedReplicas).toBeUndefined();
    expect(mid.obj.status.conditions[0]).toMatchObject({
      type: 'Available',
      status: 'True',
      lastTransitionTime: '2024-05-01T10:00:00Z',
    });
    expect(mid.obj.status.conditions[1]).toMatchObject({
      reason: 'ReplicaSetUpdated',
      lastUpdateTime: '2024-05-01T10:01:00Z',
    });
    const done = settle(mid.obj, T0 + 70_000, opts).obj;
    expect(done.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2 });
  });

  it('fails with ProgressDeadlineExceeded under behavior fail', () => {
    const d = settle(deployment(2, { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'fail' } }), T0).obj;
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, unavailableReplicas: 2 });
    expect(d.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'False', 'MinimumReplicasUnavailable'],
      ['Progressing', 'False', 'ProgressDeadlineExceeded'],
    ]);
    expect(simulate(d, T0 + 1000)).toBeUndefined();
  });

  it('stalls forever under behavior stall, and uses the slow delay and the delay annotation', () => {
    const stalled = settle(deployment(1, { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'stall' } }), T0);
    expect(stalled.requeueAfterMs).toBeUndefined();
    expect(stalled.obj.status.conditions[1].reason).toBe('ReplicaSetUpdated');
    expect(simulate(stalled.obj, T0 + 86_400_000)).toBeUndefined();
    expect(
      settle(deployment(1, { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'slow' } }), T0, { slowDelayMs: 7000 })
        .requeueAfterMs,
    ).toBe(7000);
    expect(settle(deployment(1, { annotations: { [SIM_DELAY_ANNOTATION]: '2s' } }), T0).requeueAfterMs).toBe(
      2000,
    );
  });

  it('treats zero replicas as immediately complete and defaults replicas to 1', () => {
    expect(settle(deployment(0), T0).obj.status).toMatchObject({
      observedGeneration: 1,
      conditions: [{ status: 'True' }, { status: 'True' }],
    });
    const noReplicas = obj('apps/v1', 'Deployment', { template });
    expect(settle(noReplicas, T0).obj.status.readyReplicas).toBe(1);
  });
});

describe('ReplicaSet, StatefulSet, DaemonSet', () => {
  it('ReplicaSet gets ready replicas after its delay from creation', () => {
    const rs = obj('apps/v1', 'ReplicaSet', { replicas: 2, template });
    const early = settle(rs, T0 + 1000, { readyDelayMs: 3000 });
    expect(early.obj.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 });
    expect(early.requeueAfterMs).toBe(2000);
    const done = settle(early.obj, T0 + 3000, { readyDelayMs: 3000 }).obj;
    expect(done.status).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });
    const failed = settle(
      obj(
        'apps/v1',
        'ReplicaSet',
        { replicas: 1, template },
        { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'fail' } },
      ),
      T0,
    ).obj;
    expect(failed.status.conditions[0]).toMatchObject({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
    });
  });

  it('StatefulSet reports revisions and waits for changedAt on later generations', () => {
    const ss = settle(obj('apps/v1', 'StatefulSet', { replicas: 3, template }), T0).obj;
    expect(ss.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      collisionCount: 0,
    });
    expect(ss.status.currentRevision).toBe(ss.status.updateRevision);
    const next = {
      ...ss,
      metadata: { ...ss.metadata, generation: 2 },
      spec: { replicas: 3, template: { ...template, metadata: { labels: { v: '2' } } } },
    };
    const mid = settle(next, T0 + 10_000, { readyDelayMs: 5000, changedAt: T0 + 10_000 });
    expect(mid.requeueAfterMs).toBe(5000);
    expect(mid.obj.status.currentRevision).toBe(ss.status.currentRevision);
    expect(mid.obj.status.updateRevision).not.toBe(ss.status.currentRevision);
    const done = settle(mid.obj, T0 + 15_000, { readyDelayMs: 5000, changedAt: T0 + 10_000 }).obj;
    expect(done.status.currentRevision).toBe(done.status.updateRevision);
    expect(done.status.observedGeneration).toBe(2);
  });

  it('DaemonSet counts notional nodes', () => {
    const ds = settle(obj('apps/v1', 'DaemonSet', { template }), T0, { nodeCount: 3 }).obj;
    expect(ds.status).toEqual({
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      numberAvailable: 3,
      observedGeneration: 1,
      updatedNumberScheduled: 3,
    });
    const stalled = settle(
      obj('apps/v1', 'DaemonSet', { template }, { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'stall' } }),
      T0,
    ).obj;
    expect(stalled.status).toMatchObject({ numberReady: 0, numberUnavailable: 1, desiredNumberScheduled: 1 });
  });
});

describe('Job', () => {
  const job = (spec: Record<string, unknown> = {}, extra = {}) =>
    obj('batch/v1', 'Job', { template, ...spec }, extra);

  it('completes with SuccessCriteriaMet and Complete after the delay', () => {
    const opts = { readyDelayMs: 4000 };
    const running = settle(job({ completions: 3, parallelism: 2 }), T0, opts);
    expect(running.obj.status).toEqual({
      startTime: '2024-05-01T10:00:00Z',
      active: 2,
      ready: 2,
      terminating: 0,
      uncountedTerminatedPods: {},
    });
    expect(running.requeueAfterMs).toBe(4000);
    const done = settle(running.obj, T0 + 4000, opts).obj;
    expect(done.status).toMatchObject({
      startTime: '2024-05-01T10:00:00Z',
      completionTime: '2024-05-01T10:00:04Z',
      succeeded: 3,
      ready: 0,
    });
    expect(done.status.active).toBeUndefined();
    expect(done.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(simulate(done, T0 + 100_000, opts)).toBeUndefined();
  });

  it('fails with BackoffLimitExceeded under behavior fail', () => {
    const failed = settle(
      job({ backoffLimit: 2 }, { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'fail' } }),
      T0,
    ).obj;
    expect(failed.status.failed).toBe(3);
    expect(failed.status.completionTime).toBeUndefined();
    expect(failed.status.conditions.map((c: any) => [c.type, c.reason])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded'],
      ['Failed', 'BackoffLimitExceeded'],
    ]);
    expect(simulate(failed, T0 + 10_000)).toBeUndefined();
  });

  it('stays suspended, then runs when resumed', () => {
    const suspended = settle(job({ suspend: true }), T0).obj;
    expect(suspended.status.conditions[0]).toMatchObject({
      type: 'Suspended',
      status: 'True',
      reason: 'JobSuspended',
    });
    expect(suspended.status.startTime).toBeUndefined();
    const resumed = settle({ ...suspended, spec: { ...suspended.spec, suspend: false } }, T0 + 1000).obj;
    expect(resumed.status.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ['Suspended', 'False'],
      ['SuccessCriteriaMet', 'True'],
      ['Complete', 'True'],
    ]);
    expect(resumed.status.succeeded).toBe(1);
  });
});

describe('Pod', () => {
  const pod = (extra = {}) =>
    obj(
      'v1',
      'Pod',
      { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
      extra,
    );

  it('is Pending while the containers are created, then Running and Ready with an IP', () => {
    const opts = { readyDelayMs: 3000 };
    const pending = settle(pod(), T0, opts);
    expect(pending.obj.status.phase).toBe('Pending');
    expect(pending.obj.status.containerStatuses[0].state).toEqual({
      waiting: { reason: 'ContainerCreating' },
    });
    const running = settle(pending.obj, T0 + 3000, opts).obj;
    expect(running.status).toMatchObject({
      phase: 'Running',
      hostIP: '172.18.0.2',
      qosClass: 'Guaranteed',
      startTime: '2024-05-01T10:00:00Z',
    });
    expect(running.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(running.status.podIPs).toEqual([{ ip: running.status.podIP }]);
    expect(running.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2024-05-01T10:00:03Z',
    });
    expect(running.status.containerStatuses[0]).toMatchObject({
      ready: true,
      started: true,
      state: { running: { startedAt: '2024-05-01T10:00:03Z' } },
    });
    expect(simulate(running, T0 + 60_000, opts)).toBeUndefined();
  });

  it('crash-loops under behavior fail and stays Pending under stall', () => {
    const crashing = settle(pod({ annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'fail' } }), T0).obj;
    expect(crashing.status.phase).toBe('Running');
    expect(crashing.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    expect(crashing.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
    const stalled = settle(pod({ annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'stall' } }), T0);
    expect(stalled.obj.status.phase).toBe('Pending');
    expect(stalled.requeueAfterMs).toBeUndefined();
  });

  it('leaves terminal pods alone', () => {
    expect(simulate(pod({ status: { phase: 'Succeeded' } }), T0)).toBeUndefined();
  });
});

describe('Service and others', () => {
  const svc = (type: string, extra = {}) => obj('v1', 'Service', { type, ports: [{ port: 80 }] }, extra);

  it('gives LoadBalancer Services an ingress IP only when enabled', () => {
    expect(simulate(svc('LoadBalancer'), T0)).toBeUndefined();
    expect(simulate(svc('ClusterIP'), T0, { loadBalancer: true })).toBeUndefined();
    const lb = settle(svc('LoadBalancer'), T0, { loadBalancer: true }).obj;
    expect(lb.status.loadBalancer.ingress[0]).toMatchObject({
      ipMode: 'VIP',
      ip: expect.stringMatching(/^172\.18\.255\.\d+$/),
    });
    expect(simulate(lb, T0, { loadBalancer: true })).toBeUndefined();
    expect(
      settle(svc('LoadBalancer', { annotations: { [SIM_BEHAVIOR_ANNOTATION]: 'stall' } }), T0, {
        loadBalancer: true,
      }).obj.status,
    ).toEqual({ loadBalancer: {} });
  });

  it('ignores unknown kinds and objects being deleted', () => {
    expect(simulate(obj('v1', 'ConfigMap', {}), T0)).toBeUndefined();
    const dying = deployment(1);
    dying.metadata!.deletionTimestamp = CREATED;
    expect(simulate(dying, T0)).toBeUndefined();
  });
});

describe('idempotence', () => {
  const kinds: KObject[] = [
    deployment(2),
    obj('apps/v1', 'ReplicaSet', { replicas: 2, template }),
    obj('apps/v1', 'StatefulSet', { replicas: 2, template }),
    obj('apps/v1', 'DaemonSet', { template }),
    obj('batch/v1', 'Job', { template }),
    obj('v1', 'Pod', { containers: [{ name: 'c' }] }),
    obj('v1', 'Service', { type: 'LoadBalancer' }),
  ];
  for (const behavior of ['normal', 'fail', 'stall', 'slow'])
    for (const k of kinds)
      it(`${k.kind} under ${behavior} reaches a fixed point`, () => {
        const o = { ...k, metadata: { ...k.metadata, annotations: { [SIM_BEHAVIOR_ANNOTATION]: behavior } } };
        const opts = { readyDelayMs: 2000, slowDelayMs: 4000, loadBalancer: true };
        const first = settle(o, T0 + 500, opts).obj;
        const final = settle(first, T0 + 3_600_000, opts).obj;
        expect(simulate(final, T0 + 7_200_000, opts)).toBeUndefined();
        expect(simulate(final, T0 + 3_600_000, opts)).toBeUndefined();
      });
});
