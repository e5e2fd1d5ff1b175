/**
 * Whether a workload in a WEC is up, read from the status it reports (through WorkStatus). Kinds
 * without a notion of readiness are ready once applied. Mirrors what `kubectl rollout status` and
 * `kubectl wait --for=condition=...` look at.
 */
export type Readiness = { state: 'ready' } | { state: 'progressing' | 'failed'; reason: string };

type Cond = { type?: string; status?: string; reason?: string; message?: string };
type Status = Record<string, unknown> & { conditions?: Cond[] };

const cond = (s: Status, type: string) => s.conditions?.find((c) => c.type === type);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Kinds whose status says more than "it exists". */
export const READINESS_KINDS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
  '/Pod',
]);

export const hasReadiness = (group: string, kind: string): boolean => READINESS_KINDS.has(`${group}/${kind}`);

/** Readiness of an object of `group/kind` with desired `spec` and reported `status`. */
export function readinessOf(
  group: string,
  kind: string,
  spec: Record<string, unknown> | undefined,
  status: Status | undefined,
): Readiness {
  if (!hasReadiness(group, kind)) return { state: 'ready' };
  if (!status) return { state: 'progressing', reason: 'no status reported yet' };
  switch (`${group}/${kind}`) {
    case 'apps/Deployment': {
      const p = cond(status, 'Progressing');
      if (p?.status === 'False')
        return { state: 'failed', reason: p.message || p.reason || 'not progressing' };
      const want = typeof spec?.replicas === 'number' ? spec.replicas : 1;
      const avail = cond(status, 'Available');
      if (
        num(status.availableReplicas) >= want &&
        num(status.updatedReplicas) >= want &&
        avail?.status !== 'False'
      )
        return { state: 'ready' };
      return { state: 'progressing', reason: `${num(status.availableReplicas)}/${want} replicas available` };
    }
    case 'apps/StatefulSet':
    case 'apps/ReplicaSet': {
      const want = typeof spec?.replicas === 'number' ? spec.replicas : 1;
      if (num(status.readyReplicas) >= want) return { state: 'ready' };
      return { state: 'progressing', reason: `${num(status.readyReplicas)}/${want} replicas ready` };
    }
    case 'apps/DaemonSet': {
      const want = num(status.desiredNumberScheduled);
      if (num(status.numberReady) >= want && status.desiredNumberScheduled !== undefined)
        return { state: 'ready' };
      return { state: 'progressing', reason: `${num(status.numberReady)}/${want} pods ready` };
    }
    case 'batch/Job': {
      const failed = cond(status, 'Failed');
      if (failed?.status === 'True')
        return { state: 'failed', reason: failed.message || failed.reason || 'job failed' };
      if (cond(status, 'Complete')?.status === 'True') return { state: 'ready' };
      return { state: 'progressing', reason: `${num(status.succeeded)} completions so far` };
    }
    case '/Pod': {
      if (status.phase === 'Succeeded') return { state: 'ready' };
      if (status.phase === 'Failed')
        return { state: 'failed', reason: String(status.reason ?? 'pod failed') };
      if (cond(status, 'Ready')?.status === 'True') return { state: 'ready' };
      return { state: 'progressing', reason: `pod ${String(status.phase ?? 'Pending')}` };
    }
  }
  return { state: 'ready' };
}
