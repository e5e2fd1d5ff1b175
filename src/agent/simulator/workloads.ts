/**
 * Simulated controllers of the apps/v1 workloads: Deployment, ReplicaSet, StatefulSet and
 * DaemonSet. Each goes "progressing" when its generation changes and "ready" after the delay,
 * with the fields `kubectl rollout status`, `kubectl wait` and `helm --wait` look at.
 */
import type { KObject } from '../../api/meta.js';
import { parseTime, toMs } from '../common/time.js';
import {
  condition,
  conditionsOf,
  finish,
  generationOf,
  omitZero,
  remaining,
  rolloutStart,
  shortHash,
  type SimContext,
  type SimResult,
} from './common.js';

const replicasOf = (obj: KObject): number => (typeof obj.spec?.replicas === 'number' ? obj.spec.replicas : 1);
const name = (obj: KObject) => obj.metadata?.name ?? '';

/** Name of the ReplicaSet a Deployment's current template would get. */
export const replicaSetName = (obj: KObject): string => `${name(obj)}-${shortHash(obj.spec?.template ?? {})}`;

export function simulateDeployment(ctx: SimContext): SimResult | undefined {
  const { obj, nowSec } = ctx;
  const gen = generationOf(obj);
  const replicas = replicasOf(obj);
  const cur = obj.status ?? {};
  const prev = conditionsOf(obj);
  const rs = replicaSetName(obj);
  const progressing = prev.find((c) => c.type === 'Progressing');
  // This generation's rollout already ended (success or deadline), or started when Progressing
  // last said ReplicaSetUpdated; otherwise it starts now.
  const observed = cur.observedGeneration === gen;
  const settled =
    observed &&
    (progressing?.reason === 'NewReplicaSetAvailable' || progressing?.reason === 'ProgressDeadlineExceeded');
  const inFlight = observed && progressing?.reason === 'ReplicaSetUpdated';
  const start = settled
    ? -Infinity
    : ctx.opts.changedAt !== undefined
      ? toMs(ctx.opts.changedAt)
      : inFlight
        ? (parseTime(progressing?.lastUpdateTime) ?? nowSec)
        : nowSec;
  // Until the Deployment was available once, there are no old pods to keep serving.
  const wasAvailable = prev.find((c) => c.type === 'Available')?.status === 'True';
  const firstRollout = !wasAvailable;
  const left = remaining(ctx, start);

  const done = replicas === 0 || (ctx.behavior !== 'stall' && left === 0);
  if (done && (ctx.behavior !== 'fail' || replicas === 0)) {
    return finish(obj, {
      ...omitZero({
        observedGeneration: gen,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      }),
      conditions: [
        condition(
          prev,
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          },
          nowSec,
          { updateTime: true },
        ),
        condition(
          prev,
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rs}" has successfully progressed.`,
          },
          nowSec,
          { updateTime: true },
        ),
      ],
    });
  }
  if (done) {
    // behaviour fail: the rollout never gets available and hits its progress deadline.
    return finish(obj, {
      ...omitZero({
        observedGeneration: gen,
        replicas,
        updatedReplicas: replicas,
        unavailableReplicas: replicas,
      }),
      conditions: [
        condition(
          prev,
          {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
          nowSec,
          { updateTime: true },
        ),
        condition(
          prev,
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${rs}" has timed out progressing.`,
          },
          nowSec,
          { updateTime: true },
        ),
      ],
    });
  }
  // In progress: old pods (if any were available) keep serving; new ones are not ready yet.
  const available = firstRollout ? 0 : Math.min(cur.availableReplicas ?? 0, replicas);
  const status = {
    ...omitZero({
      observedGeneration: gen,
      replicas,
      updatedReplicas: firstRollout ? replicas : 0,
      readyReplicas: available,
      availableReplicas: available,
      unavailableReplicas: replicas - available,
    }),
    conditions: [
      wasAvailable
        ? condition(
            prev,
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            },
            nowSec,
            { updateTime: true },
          )
        : condition(
            prev,
            {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
            nowSec,
            { updateTime: true },
          ),
      condition(
        prev,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${rs}" is progressing.`,
        },
        nowSec,
        {
          updateTime: true,
          forceUpdateTime: Number.isFinite(start) ? start : nowSec,
        },
      ),
    ],
  };
  return finish(obj, status, ctx.behavior === 'stall' ? 0 : left);
}

export function simulateReplicaSet(ctx: SimContext): SimResult | undefined {
  const { obj, nowSec } = ctx;
  const gen = generationOf(obj);
  const replicas = replicasOf(obj);
  const left = remaining(ctx, rolloutStart(ctx));
  const ready = replicas === 0 || (ctx.behavior === 'normal' || ctx.behavior === 'slow' ? left === 0 : false);
  const base = { replicas, fullyLabeledReplicas: replicas, observedGeneration: gen };
  if (ready)
    return finish(
      obj,
      omitZero({ ...base, readyReplicas: replicas, availableReplicas: replicas }, ['replicas']),
    );
  const status: Record<string, unknown> = omitZero(base, ['replicas']);
  if (ctx.behavior === 'fail')
    status.conditions = [
      condition(
        conditionsOf(obj),
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message: `simulated failure of ReplicaSet "${name(obj)}"`,
        },
        nowSec,
      ),
    ];
  return finish(obj, status, ctx.behavior === 'normal' || ctx.behavior === 'slow' ? left : 0);
}

export function simulateStatefulSet(ctx: SimContext): SimResult | undefined {
  const { obj } = ctx;
  const gen = generationOf(obj);
  const replicas = replicasOf(obj);
  const cur = obj.status ?? {};
  const revision = `${name(obj)}-${shortHash(obj.spec?.template ?? {})}`;
  const left = remaining(ctx, rolloutStart(ctx));
  const ready = replicas === 0 || ((ctx.behavior === 'normal' || ctx.behavior === 'slow') && left === 0);
  if (ready)
    return finish(obj, {
      ...omitZero(
        {
          observedGeneration: gen,
          replicas,
          readyReplicas: replicas,
          currentReplicas: replicas,
          updatedReplicas: replicas,
          availableReplicas: replicas,
        },
        ['replicas', 'availableReplicas'],
      ),
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  // Rolling: the old revision stays current until every pod runs the new one.
  const firstRollout = !cur.currentRevision;
  const serving = firstRollout ? 0 : Math.min(cur.readyReplicas ?? 0, replicas);
  return finish(
    obj,
    {
      ...omitZero(
        {
          observedGeneration: gen,
          replicas,
          readyReplicas: serving,
          currentReplicas: serving,
          availableReplicas: serving,
        },
        ['replicas', 'availableReplicas'],
      ),
      currentRevision: firstRollout ? revision : cur.currentRevision,
      updateRevision: revision,
      collisionCount: 0,
    },
    ctx.behavior === 'normal' || ctx.behavior === 'slow' ? left : 0,
  );
}

export function simulateDaemonSet(ctx: SimContext): SimResult | undefined {
  const { obj } = ctx;
  const gen = generationOf(obj);
  const nodes = Math.max(0, ctx.opts.nodeCount ?? 1);
  const left = remaining(ctx, rolloutStart(ctx));
  const ready = nodes === 0 || ((ctx.behavior === 'normal' || ctx.behavior === 'slow') && left === 0);
  const required = { currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberMisscheduled: 0 };
  const keep = ['currentNumberScheduled', 'desiredNumberScheduled', 'numberMisscheduled', 'numberReady'];
  if (ready)
    return finish(
      obj,
      omitZero(
        {
          ...required,
          numberReady: nodes,
          numberAvailable: nodes,
          observedGeneration: gen,
          updatedNumberScheduled: nodes,
        },
        keep,
      ),
    );
  return finish(
    obj,
    omitZero(
      {
        ...required,
        numberReady: 0,
        numberUnavailable: nodes,
        observedGeneration: gen,
        updatedNumberScheduled: nodes,
      },
      keep,
    ),
    ctx.behavior === 'normal' || ctx.behavior === 'slow' ? left : 0,
  );
}
