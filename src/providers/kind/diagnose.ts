/**
 * Targeted diagnoses for a step that timed out: why the pods of a namespace are not running
 * (image pulls, CPU/memory, crashes) and whether a Job failed, mapped onto the error catalogue.
 */
import type { KObject } from '../../api/meta.js';
import { KindError } from './errors.js';
import type { KubeOps } from './kube.js';

interface PodLike {
  metadata?: { name?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { name: string; state?: { waiting?: { reason?: string; message?: string } } }[];
    initContainerStatuses?: { name: string; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

/** What keeps the pods of `namespace` from running, as a catalogue error; undefined when unclear. */
export async function diagnosePods(
  kube: KubeOps,
  namespace: string,
  where: string,
  labelSelector?: string,
): Promise<KindError | undefined> {
  const pods = (await kube.list('v1', 'Pod', { namespace, labelSelector })) as PodLike[];
  for (const p of pods) {
    const name = `${where} pod ${namespace}/${p.metadata?.name}`;
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      const w = c.state?.waiting;
      if (!w?.reason) continue;
      if (/ErrImagePull|ImagePullBackOff|InvalidImageName/.test(w.reason))
        return new KindError(
          'E-IMAGE-PULL',
          `${name}: container ${c.name} cannot pull its image (${w.reason}): ${w.message ?? ''}`.trim(),
        );
      if (/CrashLoopBackOff/.test(w.reason))
        return new KindError(
          'E-COMMAND',
          `${name}: container ${c.name} keeps crashing (${w.message ?? w.reason})`,
          {
            hint: `see its logs: kubectl -n ${namespace} logs ${p.metadata?.name} -c ${c.name}`,
          },
        );
    }
    const sched = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (sched?.message && /Insufficient (cpu|memory)/i.test(sched.message))
      return new KindError('E-INSUFFICIENT-CPU', `${name} cannot be scheduled: ${sched.message}`);
  }
  return undefined;
}

/** E-JOB-FAILED when the Job exists and has failed. */
export function jobFailure(job: KObject | undefined, where: string): KindError | undefined {
  const conds = ((job as { status?: { conditions?: { type: string; status: string; message?: string }[] } })
    ?.status?.conditions ?? []) as { type: string; status: string; message?: string }[];
  const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
  if (!failed) return undefined;
  return new KindError(
    'E-JOB-FAILED',
    `${where} Job ${job?.metadata?.namespace}/${job?.metadata?.name} failed: ${failed.message ?? 'backoff limit reached'}`,
  );
}
