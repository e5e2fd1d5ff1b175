/**
 * Is a live WEC object failing? Read from the conditions its controllers (or the simulator)
 * write; feeds the work-level `Degraded` condition and WellKnownConditions rules.
 */
import type { KObject } from '../../api/meta.js';
import type { Gvk } from './feedback.js';

const cond = (
  obj: KObject,
  type: string,
): { status?: string; reason?: string; message?: string } | undefined =>
  (
    obj.status?.conditions as
      Array<{ type: string; status?: string; reason?: string; message?: string }> | undefined
  )?.find((c) => c.type === type);

/** Container waiting reasons that mean the pod will not start without a change. */
const STUCK_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
]);

/** A short reason when the object is failing, else undefined. Unknown kinds are never degraded. */
export function degradedReason(obj: KObject, gvk: Gvk): string | undefined {
  const key = `${gvk.group}/${gvk.kind}`;
  switch (key) {
    case 'apps/Deployment': {
      const p = cond(obj, 'Progressing');
      if (p?.status === 'False') return p.reason || 'NotProgressing';
      const rf = cond(obj, 'ReplicaFailure');
      return rf?.status === 'True' ? rf.reason || 'ReplicaFailure' : undefined;
    }
    case 'apps/ReplicaSet': {
      const rf = cond(obj, 'ReplicaFailure');
      return rf?.status === 'True' ? rf.reason || 'ReplicaFailure' : undefined;
    }
    case 'batch/Job': {
      const f = cond(obj, 'Failed');
      return f?.status === 'True' ? f.reason || 'Failed' : undefined;
    }
    case '/Pod': {
      if (obj.status?.phase === 'Failed') return obj.status?.reason || 'PodFailed';
      for (const cs of [
        ...(obj.status?.initContainerStatuses ?? []),
        ...(obj.status?.containerStatuses ?? []),
      ]) {
        const w = cs?.state?.waiting?.reason;
        if (STUCK_WAITING.has(w)) return w;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * OCM's WellKnownConditions: only `Complete`, for Jobs (Complete or Failed is True) and Pods
 * (phase Succeeded or Failed). Undefined when no well-known condition exists for the kind.
 */
export function wellKnownCondition(obj: KObject, gvk: Gvk, condition: string): boolean | undefined {
  if (condition !== 'Complete') return undefined;
  if (gvk.group === 'batch' && gvk.kind === 'Job')
    return cond(obj, 'Complete')?.status === 'True' || cond(obj, 'Failed')?.status === 'True';
  if (gvk.group === '' && gvk.kind === 'Pod')
    return obj.status?.phase === 'Succeeded' || obj.status?.phase === 'Failed';
  return undefined;
}
