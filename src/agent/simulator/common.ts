/**
 * Shared pieces of the workload simulator: options, the per-object behaviour annotation, timing
 * of the simulated rollout and helpers to keep output stable (idempotence).
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/meta.js';
import { canonicalJson, jsonEqual } from '../common/json.js';
import { parseDuration, parseTime, rfc3339, toMs, type Instant } from '../common/time.js';

/** `fail` | `stall` | `slow` (anything else: normal) — for tests and demos. */
export const SIM_BEHAVIOR_ANNOTATION = 'sim.kstellar.io/behavior';
/** Overrides the delay before the object becomes ready: ms (`"1500"`) or Go style (`"5s"`, `"1m"`). */
export const SIM_DELAY_ANNOTATION = 'sim.kstellar.io/delay';

export type SimBehavior = 'normal' | 'fail' | 'stall' | 'slow';

export interface SimOptions {
  /** Delay from a generation change (or start) until ready; default 0. */
  readyDelayMs?: number;
  /** Delay under `behavior: slow`; default 30 s. */
  slowDelayMs?: number;
  /** Notional node count for DaemonSets; default 1. */
  nodeCount?: number;
  /** Give LoadBalancer Services an ingress IP; default false. */
  loadBalancer?: boolean;
  /** Host IP reported by Pods; default 172.18.0.2. */
  hostIP?: string;
  /**
   * When the object's current generation was first seen, for kinds that record no time of their
   * own (ReplicaSet, StatefulSet, DaemonSet). Without it their delay runs from creation for
   * generation 1 and is skipped for later generations.
   */
  changedAt?: Instant;
}

export interface SimResult {
  /** The new `.status` to write (absent: nothing to write now). */
  status?: Record<string, unknown>;
  /** Call again after this long (a delay is running). */
  requeueAfterMs?: number;
}

export interface SimContext {
  obj: KObject;
  now: number;
  /** `now` truncated to seconds, as stored in metav1.Time fields. */
  nowSec: number;
  behavior: SimBehavior;
  delayMs: number;
  opts: SimOptions;
}

export function behaviorOf(obj: KObject): SimBehavior {
  const b = obj.metadata?.annotations?.[SIM_BEHAVIOR_ANNOTATION];
  return b === 'fail' || b === 'stall' || b === 'slow' ? b : 'normal';
}

export function contextOf(obj: KObject, now: Instant, opts: SimOptions): SimContext {
  const behavior = behaviorOf(obj);
  const annotated = obj.metadata?.annotations?.[SIM_DELAY_ANNOTATION];
  const fromAnnotation = annotated !== undefined ? parseDuration(annotated) : undefined;
  const delayMs =
    fromAnnotation ?? (behavior === 'slow' ? (opts.slowDelayMs ?? 30_000) : (opts.readyDelayMs ?? 0));
  const ms = toMs(now);
  return { obj, now: ms, nowSec: Math.floor(ms / 1000) * 1000, behavior, delayMs, opts };
}

/** Remaining delay from `start`, or 0 when due. */
export function remaining(ctx: SimContext, start: number): number {
  return Math.max(0, start + ctx.delayMs - ctx.now);
}

/**
 * Start of the current rollout for kinds without a timestamp of their own: `changedAt`, else the
 * creation time for generation 1, else "long ago" (no delay).
 */
export function rolloutStart(ctx: SimContext): number {
  if (ctx.opts.changedAt !== undefined) return toMs(ctx.opts.changedAt);
  if ((ctx.obj.metadata?.generation ?? 1) <= 1) return parseTime(ctx.obj.metadata?.creationTimestamp) ?? 0;
  return 0;
}

export const generationOf = (obj: KObject): number => obj.metadata?.generation ?? 1;

export const time = (ms: number): string => rfc3339(ms);

/** Drops zero/undefined counters, as Go's `omitempty` does for these status fields. */
export function omitZero<T extends Record<string, unknown>>(o: T, keep: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v === 0 && !keep.includes(k)) continue;
    out[k] = v;
  }
  return out as T;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A pod-template-hash look-alike: 10 characters from Kubernetes' "safe" alphabet. */
export function shortHash(v: unknown, len = 10): string {
  const d = createHash('sha256').update(canonicalJson(v)).digest();
  let out = '';
  for (let i = 0; i < len; i++) out += SAFE[d[i] % SAFE.length];
  return out;
}

/** Bytes of a hash, for deterministic addresses and ids. */
export const hashBytes = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Packs the result: nothing when the status would not change and no delay runs. */
export function finish(
  obj: KObject,
  status: Record<string, unknown>,
  requeueAfterMs = 0,
): SimResult | undefined {
  const same = jsonEqual(obj.status ?? {}, status);
  if (same && !requeueAfterMs) return undefined;
  const out: SimResult = {};
  if (!same) out.status = status;
  if (requeueAfterMs) out.requeueAfterMs = requeueAfterMs;
  return out;
}

type Cond = Record<string, unknown> & { type: string; status: string };

/**
 * A condition with the previous transition time when its status is unchanged; `extraTimes`
 * (e.g. Deployment `lastUpdateTime`) likewise keep their value while status, reason and message
 * stay the same, unless `force` gives them a value.
 */
export function condition(
  prev: readonly Cond[] | undefined,
  c: { type: string; status: string; reason?: string; message?: string },
  nowSec: number,
  opts: { updateTime?: boolean; forceUpdateTime?: number; probeTime?: boolean } = {},
): Cond {
  const old = prev?.find((x) => x.type === c.type);
  const sameStatus = old?.status === c.status;
  const same = sameStatus && old?.reason === c.reason && old?.message === c.message;
  const out: Cond = { type: c.type, status: c.status };
  if (opts.probeTime) out.lastProbeTime = null;
  if (opts.updateTime)
    out.lastUpdateTime =
      opts.forceUpdateTime !== undefined
        ? time(opts.forceUpdateTime)
        : same && old?.lastUpdateTime
          ? old.lastUpdateTime
          : time(nowSec);
  out.lastTransitionTime = sameStatus && old?.lastTransitionTime ? old.lastTransitionTime : time(nowSec);
  if (c.reason !== undefined) out.reason = c.reason;
  if (c.message !== undefined) out.message = c.message;
  return out;
}

export const conditionsOf = (obj: KObject): Cond[] =>
  Array.isArray(obj.status?.conditions) ? obj.status.conditions : [];
