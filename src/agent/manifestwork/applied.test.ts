import { describe, expect, it } from 'vitest';
import {
  appliedResourcesOf,
  appliedWorkName,
  buildAppliedManifestWork,
  evictionDecision,
  hubHash,
  nextAppliedWorkStatus,
} from './applied.js';
import { planWork } from './plan.js';
import { configMap, deployment, liveOf, resolve, work } from './test-fixtures.js';

describe('AppliedManifestWork object', () => {
  it('is named <sha256 of hub URL>-<work> and carries the finalizer', () => {
    const h = hubHash('https://kubeflex-control-plane:31048');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const amw = buildAppliedManifestWork(work({}), h);
    expect(amw.metadata.name).toBe(appliedWorkName(h, 'w1'));
    expect(amw.metadata.finalizers).toEqual([
      'cluster.open-cluster-management.io/applied-manifest-work-cleanup',
    ]);
    expect(amw.spec).toEqual({ hubHash: h, manifestWorkName: 'w1', agentID: h });
    expect(buildAppliedManifestWork(work({}), h, 'agent-1').spec?.agentID).toBe('agent-1');
  });
});

describe('appliedResources', () => {
  const w = work({
    workload: {
      manifests: [
        deployment('web'),
        configMap('b'),
        configMap('a'),
        { apiVersion: 'x.io/v1', kind: 'T', metadata: { name: 't' } },
      ],
    },
  });
  const plan = planWork(w, [], { resolve });

  it('lists existing objects only, sorted, with uids', () => {
    const live = new Map([
      [0, liveOf(deployment('web'))],
      [2, liveOf(configMap('a'))],
    ]);
    expect(appliedResourcesOf(plan, (i) => live.get(i))).toEqual([
      { group: '', version: 'v1', resource: 'configmaps', namespace: 'demo', name: 'a', uid: 'uid-a' },
      {
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
        namespace: 'demo',
        name: 'web',
        uid: 'uid-web',
      },
    ]);
  });

  it('keeps pending removals and reports no change for the same list', () => {
    const current = appliedResourcesOf(plan, (i) => (i === 1 ? liveOf(configMap('b')) : undefined));
    const pending = [
      { group: '', version: 'v1', resource: 'configmaps', namespace: 'demo', name: 'old', uid: 'u-old' },
    ];
    const first = nextAppliedWorkStatus(undefined, current, pending);
    expect(first.changed).toBe(true);
    expect(first.status.appliedResources!.map((r) => r.name)).toEqual(['b', 'old']);
    const again = nextAppliedWorkStatus(first.status, [...current].reverse(), pending);
    expect(again.changed).toBe(false);
    expect(nextAppliedWorkStatus(first.status, current).changed).toBe(true);
  });
});

describe('evictionDecision', () => {
  const h = hubHash('https://hub');
  const amw = (status?: { evictionStartTime?: string }, name = `${h}-w1`) => ({
    ...buildAppliedManifestWork(work({}), h, 'me'),
    metadata: { name },
    status,
  });
  const base = { hubHash: h, agentID: 'me', now: Date.parse('2024-01-01T01:00:00Z') };

  it('ignores other agents and keeps healthy works', () => {
    expect(evictionDecision({ ...base, amw: amw(), agentID: 'other', workExists: false })).toEqual({
      action: 'ignore',
    });
    expect(evictionDecision({ ...base, amw: amw(), workExists: true })).toEqual({ action: 'keep' });
  });

  it('stamps, waits for the grace period, then evicts', () => {
    expect(evictionDecision({ ...base, amw: amw(), workExists: false })).toEqual({
      action: 'stamp',
      time: '2024-01-01T01:00:00Z',
      requeueAfterMs: 3_600_000,
    });
    expect(
      evictionDecision({
        ...base,
        amw: amw({ evictionStartTime: '2024-01-01T00:30:00Z' }),
        workExists: false,
      }),
    ).toEqual({
      action: 'keep',
      requeueAfterMs: 1_800_000,
    });
    expect(
      evictionDecision({
        ...base,
        amw: amw({ evictionStartTime: '2024-01-01T00:00:00Z' }),
        workExists: false,
      }),
    ).toEqual({ action: 'evict' });
  });

  it('treats a changed hub URL as stale, clears the stamp when the work is back, and can be disabled', () => {
    expect(evictionDecision({ ...base, amw: amw(undefined, 'otherhash-w1'), workExists: true }).action).toBe(
      'stamp',
    );
    expect(
      evictionDecision({
        ...base,
        amw: amw({ evictionStartTime: '2024-01-01T00:00:00Z' }),
        workExists: true,
      }),
    ).toEqual({ action: 'clear' });
    expect(
      evictionDecision({
        ...base,
        amw: amw({ evictionStartTime: '1990-01-01T00:00:00Z' }),
        workExists: false,
        graceMs: Infinity,
      }),
    ).toEqual({ action: 'keep' });
  });
});
