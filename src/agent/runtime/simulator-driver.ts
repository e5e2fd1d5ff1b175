/**
 * Runs the workload simulator against a WEC: watches the kinds `simulate()` handles and writes
 * the status it computes through the status subresource, after the configured delays (a result
 * with `requeueAfterMs` is looked at again then). Writes only when the status differs, so its own
 * writes come back as no-ops and never loop.
 */
import { uncapped } from '../../engine/controllers/uncapped.js';
import pino, { type Logger } from 'pino';
import type { KObject } from '../../api/meta.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { isConflict, isNotFound } from '../../kube/errors.js';
import { objectKey } from '../../engine/runtime/cache.js';
import { Controller } from '../../engine/runtime/controller.js';
import { Informer } from '../../engine/runtime/informer.js';
import { Manager } from '../../engine/runtime/manager.js';
import { simulate, SIMULATED_KINDS, type SimOptions } from '../simulator/index.js';

export const SIMULATOR_FIELD_MANAGER = 'kstellar-simulator';

export interface SimulatorOptions {
  /** The WEC's API. */
  spoke: DynamicClient;
  log?: Logger;
  options?: SimOptions;
}

export interface Simulator {
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once every watched kind has been listed. */
  ready(): Promise<void>;
}

/** Plural resource names of the simulated kinds (all namespaced). */
const PLURALS: Record<string, string> = {
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  Pod: 'pods',
  Service: 'services',
};

/** `apps/v1/Deployment` -> the resource to watch. */
function resourceOf(kindKey: string): ResourceId {
  const parts = kindKey.split('/');
  const kind = parts.pop()!;
  const version = parts.pop()!;
  const group = parts.join('/');
  const resource = PLURALS[kind];
  if (!resource) throw new Error(`no resource known for simulated kind ${kindKey}`);
  return { group, version, resource, namespaced: true };
}

/** Kinds whose rollout has no timestamp of its own: the driver records when a generation appeared. */
const NEEDS_CHANGED_AT = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);

export function createSimulator(o: SimulatorOptions): Simulator {
  const { spoke } = o;
  const log = (o.log ?? pino({ level: 'silent' })).child({ component: 'simulator' });
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  const informers = SIMULATED_KINDS.map(
    (k) => new Informer({ client: spoke, resource: resourceOf(k), backoff: { maxMs: 5000 }, log }),
  );
  /** Per object: the generation seen and when it was first seen, for `changedAt`. */
  const generations = new Map<string, { generation: number; at: number }>();
  /** Per object: the resourceVersion our last write replaced; the cache is stale while it shows it. */
  const replaced = new Map<string, string>();

  const keyOf = (i: number, obj: KObject) => `${i}|${objectKey(obj)}`;

  const reconcile = async (key: string, signal: AbortSignal): Promise<{ requeueAfterMs: number } | void> => {
    const bar = key.indexOf('|');
    const i = Number(key.slice(0, bar));
    const informer = informers[i];
    const obj = informer.cache.get(key.slice(bar + 1));
    if (!obj) {
      generations.delete(key);
      replaced.delete(key);
      return;
    }
    const rv = obj.metadata?.resourceVersion;
    // Our own write has not come back through the watch yet; its event queues this key again.
    if (rv && replaced.get(key) === rv) return;
    replaced.delete(key);

    const opts: SimOptions = { ...(o.options ?? {}) };
    if (NEEDS_CHANGED_AT.has(obj.kind ?? '')) {
      const gen = obj.metadata?.generation ?? 1;
      const seen = generations.get(key);
      if (!seen) generations.set(key, { generation: gen, at: NaN });
      else if (seen.generation !== gen) generations.set(key, { generation: gen, at: Date.now() });
      // A generation first seen at start-up keeps the simulator's default (creation time).
      const at = generations.get(key)!.at;
      if (!Number.isNaN(at)) opts.changedAt = at;
    }

    const result = simulate(obj, Date.now(), opts);
    if (result?.status) {
      try {
        await spoke.updateStatus(
          informer.resource,
          { ...obj, status: result.status },
          { fieldManager: SIMULATOR_FIELD_MANAGER, signal },
        );
        if (rv) replaced.set(key, rv);
        log.debug({ object: key }, 'status simulated');
      } catch (e) {
        if (isNotFound(e)) return;
        // Someone else wrote meanwhile: simulate again from the newer version the watch brings.
        if (isConflict(e)) return { requeueAfterMs: 50 };
        throw e;
      }
    }
    if (result?.requeueAfterMs) return { requeueAfterMs: result.requeueAfterMs };
  };

  const controller = new Controller({
    name: 'simulator',
    reconcile: (key, ctx) => reconcile(key, ctx.signal),
    concurrency: 2,
    log,
  });
  informers.forEach((inf, i) => {
    const enqueue = (obj: KObject) => controller.enqueue(keyOf(i, obj));
    inf.addEventHandler({ onAdd: enqueue, onUpdate: (_, n) => enqueue(n), onDelete: enqueue });
  });

  const start = async (outer: AbortSignal): Promise<void> => {
    // Informers and controllers each listen on the signal: one without the listener cap.
    const { signal, release } = uncapped(outer);
    try {
      const manager = new Manager({ log });
      for (const inf of informers) manager.add(inf);
      manager.add(controller);
      void manager.ready().then(readyResolve);
      await manager.start(signal);
    } finally {
      release();
    }
  };
  return { start, ready: () => readyPromise };
}
