/**
 * KWOK-style status simulation for embedded WECs, which run no controllers or kubelet: given an
 * object as stored, the status its controller would write next. Pure and idempotent: feeding the
 * result back (with the same `now`, or later once no delay runs) gives no further change.
 */
import type { KObject } from '../../api/meta.js';
import type { Instant } from '../common/time.js';
import { contextOf, type SimOptions, type SimResult } from './common.js';
import { simulateJob } from './job.js';
import { simulatePod } from './pod.js';
import { simulateService } from './service.js';
import {
  simulateDaemonSet,
  simulateDeployment,
  simulateReplicaSet,
  simulateStatefulSet,
} from './workloads.js';

const HANDLERS: Record<string, (ctx: ReturnType<typeof contextOf>) => SimResult | undefined> = {
  'apps/v1/Deployment': simulateDeployment,
  'apps/v1/ReplicaSet': simulateReplicaSet,
  'apps/v1/StatefulSet': simulateStatefulSet,
  'apps/v1/DaemonSet': simulateDaemonSet,
  'batch/v1/Job': simulateJob,
  'v1/Pod': simulatePod,
  'v1/Service': simulateService,
};

/** Kinds (`apiVersion/kind`) the simulator handles; informers of the I/O layer watch these. */
export const SIMULATED_KINDS: readonly string[] = Object.keys(HANDLERS);

/**
 * The next status of `obj`, and/or when to look again; undefined when nothing changes. Objects
 * being deleted and unknown kinds are left alone.
 */
export function simulate(obj: KObject, now: Instant, opts: SimOptions = {}): SimResult | undefined {
  if (obj.metadata?.deletionTimestamp) return undefined;
  const handler = HANDLERS[`${obj.apiVersion}/${obj.kind}`];
  return handler ? handler(contextOf(obj, now, opts)) : undefined;
}

/** `obj` with `status` replaced, as a status write would leave it (for chaining in tests and loops). */
export function withStatus(obj: KObject, status: Record<string, unknown> | undefined): KObject {
  return status ? { ...obj, status } : obj;
}
