/**
 * Simulated kubelet for Pods: Pending (containers creating) during the delay, then Running and
 * Ready with a pod IP. `behavior: fail` ends in CrashLoopBackOff, `stall` stays Pending. Pods in
 * a terminal phase are left alone.
 */
import type { KObject } from '../../api/meta.js';
import { parseTime } from '../common/time.js';
import {
  condition,
  conditionsOf,
  finish,
  hashBytes,
  remaining,
  time,
  type SimContext,
  type SimResult,
} from './common.js';

interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** A stable pod IP in 10.244.0.0/16 derived from the pod's identity. */
export function podIP(obj: KObject): string {
  const b = hashBytes(obj.metadata?.uid || `${obj.metadata?.namespace}/${obj.metadata?.name}`);
  return `10.244.${b[0]}.${(b[1] % 253) + 2}`;
}

/** Kubernetes' QoS class from requests and limits. */
export function qosClass(containers: readonly Container[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const any = containers.some(
    (c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length,
  );
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? {};
    return ['cpu', 'memory'].every(
      (k) => l[k] !== undefined && (r[k] === undefined || String(r[k]) === String(l[k])),
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const containerId = (obj: KObject, c: Container) =>
  `containerd://${hashBytes(`${obj.metadata?.uid ?? obj.metadata?.name}/${c.name}`).toString('hex')}`;

export function simulatePod(ctx: SimContext): SimResult | undefined {
  const { obj, nowSec } = ctx;
  const phase = obj.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const prev = conditionsOf(obj);
  const containers: Container[] = Array.isArray(obj.spec?.containers) ? obj.spec.containers : [];
  const start = parseTime(obj.status?.startTime) ?? nowSec;
  const left = remaining(ctx, start);
  const hostIP = ctx.opts.hostIP ?? '172.18.0.2';
  const ip = podIP(obj);
  const cond = (type: string, ok: boolean, reason?: string, message?: string) =>
    condition(prev, ok ? { type, status: 'True' } : { type, status: 'False', reason, message }, nowSec, {
      probeTime: true,
    });
  const names = containers.map((c) => c.name).join(' ');
  const notReady = `containers with unready status: [${names}]`;
  const prevStatuses: Array<Record<string, any>> = obj.status?.containerStatuses ?? [];
  const startedAt = (c: Container) =>
    prevStatuses.find((s) => s.name === c.name)?.state?.running?.startedAt ?? time(nowSec);
  const common = {
    hostIP,
    hostIPs: [{ ip: hostIP }],
    qosClass: qosClass(containers),
    startTime: time(start),
  };

  if (ctx.behavior === 'stall' || left > 0) {
    return finish(
      obj,
      {
        phase: 'Pending',
        conditions: [
          cond('PodReadyToStartContainers', false),
          cond('Initialized', true),
          cond('Ready', false, 'ContainersNotReady', notReady),
          cond('ContainersReady', false, 'ContainersNotReady', notReady),
          cond('PodScheduled', true),
        ],
        ...common,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: false,
          restartCount: 0,
          started: false,
          state: { waiting: { reason: 'ContainerCreating' } },
        })),
      },
      ctx.behavior === 'stall' ? 0 : left,
    );
  }
  const failing = ctx.behavior === 'fail';
  return finish(obj, {
    phase: 'Running',
    conditions: [
      cond('PodReadyToStartContainers', true),
      cond('Initialized', true),
      cond('Ready', !failing, 'ContainersNotReady', notReady),
      cond('ContainersReady', !failing, 'ContainersNotReady', notReady),
      cond('PodScheduled', true),
    ],
    ...common,
    podIP: ip,
    podIPs: [{ ip }],
    containerStatuses: containers.map((c) =>
      failing
        ? {
            name: c.name,
            image: c.image ?? '',
            imageID: '',
            containerID: containerId(obj, c),
            ready: false,
            restartCount: 5,
            started: false,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 5m0s restarting failed container=${c.name} pod=${obj.metadata?.name}_${obj.metadata?.namespace}(${obj.metadata?.uid ?? ''})`,
              },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: time(start),
                finishedAt: time(start),
                containerID: containerId(obj, c),
              },
            },
          }
        : {
            name: c.name,
            image: c.image ?? '',
            imageID: '',
            containerID: containerId(obj, c),
            ready: true,
            restartCount: 0,
            started: true,
            state: { running: { startedAt: startedAt(c) } },
            lastState: {},
          },
    ),
  });
}
