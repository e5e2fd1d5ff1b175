/**
 * The KubeStellar engine for one WDS: installs the CRDs it needs, then, under leader election on a
 * Lease in the WDS, runs the binding controller (BindingPolicy -> Binding) and the transport
 * controller (Binding -> ManifestWorks in the ITS, with the WDS's CustomTransforms applied) and the
 * status controller (WorkStatus, or else ManifestWork status feedback, in the ITS -> WDS objects'
 * `.status`). Talks to both spaces only through kubeconfigs. Any subset of the three controllers
 * may run (`EngineOptions.controllers`), e.g. to split the engine over processes.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { Binding, BindingPolicy, CustomTransform, WorkStatus } from '../api/control.js';
import { itsCrds, wdsCrds } from '../api/crds.js';
import {
  BINDING,
  BINDING_POLICY,
  CUSTOM_TRANSFORM,
  MANAGED_CLUSTER,
  MANIFEST_WORK,
  WORK_STATUS,
} from '../api/gvr.js';
import type { KObject } from '../api/meta.js';
import type { ManifestWork } from '../api/ocm.js';
import { DynamicClient } from '../kube/dynamic.js';
import { ensureNamespace } from '../kube/namespaces.js';
import { kubeConfigFromString, loadKubeConfig, type KubeConfigLike } from '../kube/kubeconfig.js';
import { DynamicInformers } from './runtime/dynamic-informers.js';
import { Manager } from './runtime/manager.js';
import { BindingController } from './controllers/binding.js';
import { ensureCrds } from './controllers/crds.js';
import {
  BINDING_INDEX,
  TransportController,
  ownWorksSelector,
  worksByBinding,
} from './controllers/transport.js';
import { WorkloadWatcher } from './controllers/workload.js';
import {
  FEEDBACK_INDEX,
  SOURCE_INDEX,
  StatusController,
  workStatusesBySource,
  worksByReportedObject,
} from './controllers/status.js';
import { Resolver } from './binding/resolver.js';
import { informersRunnable, uncapped } from './controllers/uncapped.js';

/** Namespace of the engine's leader-election Lease in the WDS (created when missing). */
export const ENGINE_NAMESPACE = 'kstellar-system';

export interface EngineOptions {
  /**
   * The WDS kubeconfig: YAML text when it contains a line break, otherwise a file path.
   * (Spaces hand out their kubeconfig as text; the CLI passes file paths.)
   */
  wdsKubeconfig: string;
  wdsContext?: string;
  /** The ITS kubeconfig, YAML text or file path as for `wdsKubeconfig`. */
  itsKubeconfig: string;
  itsContext?: string;
  /** Names this WDS in ManifestWork names and labels; unique per ITS. */
  wdsName: string;
  logger?: Logger;
  /** Client-side rate limit towards each space. */
  qps?: number;
  burst?: number;
  /** Max workload objects per ManifestWork (default 1, as the KubeStellar Helm chart). */
  maxNumWrapped?: number;
  /** Max bytes of compact JSON of the objects of one ManifestWork (default 512000). */
  maxSizeWrapped?: number;
  /**
   * The controllers to run (default all). Any non-empty subset works: the policy resolution that
   * the status controller reads is kept in memory whether or not Bindings are written.
   */
  controllers?: readonly EngineController[];
  /**
   * Leader-election identity. Default: hostname plus a random suffix. A supervisor that restarts
   * the engine after a crash passes a stable one, so the new process takes its own Lease at once
   * instead of waiting for it to expire.
   */
  identity?: string;
  /** Leader-election timings (tests shorten them). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export const ENGINE_CONTROLLERS = ['binding', 'transport', 'status'] as const;
export type EngineController = (typeof ENGINE_CONTROLLERS)[number];

export interface Engine {
  /** Runs until `signal` aborts (resolves) or a fatal error (rejects, e.g. leadership lost). */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once this replica leads and its controllers run. */
  ready(): Promise<void>;
}

/**
 * The leader-election Lease of an engine. Engines running only some controllers (the engine split
 * over processes, like upstream's controller-manager and transport) elect per controller set, so
 * the parts run side by side; replicas of one part must be given the same set.
 */
export function engineLeaseName(wdsName: string, controllers: Iterable<EngineController>): string {
  const set = new Set(controllers);
  const parts = ENGINE_CONTROLLERS.filter((c) => set.has(c));
  return parts.length === ENGINE_CONTROLLERS.length
    ? `kstellar-engine-${wdsName}`
    : `kstellar-engine-${wdsName}-${parts.join('-')}`;
}

/** Loads a kubeconfig given as YAML text or as a file path (see EngineOptions). Throws KubeConfigError. */
export function loadEngineKubeConfig(textOrPath: string, context?: string): KubeConfigLike {
  return textOrPath.includes('\n')
    ? kubeConfigFromString(textOrPath, context)
    : loadKubeConfig(textOrPath, context);
}

export function createEngine(options: EngineOptions): Engine {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.wdsName))
    throw new Error(`wdsName "${options.wdsName}" must be lower-case letters, digits and dashes`);
  const log = options.logger ?? pino({ level: 'silent' });
  const enabled = new Set<EngineController>(options.controllers ?? ENGINE_CONTROLLERS);
  for (const c of enabled)
    if (!ENGINE_CONTROLLERS.includes(c)) throw new Error(`unknown controller "${String(c)}"`);
  if (!enabled.size) throw new Error('at least one controller must run');
  for (const [name, v] of [
    ['maxNumWrapped', options.maxNumWrapped],
    ['maxSizeWrapped', options.maxSizeWrapped],
  ] as const)
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1))
      throw new Error(`${name} must be a positive integer (got ${v})`);
  // Parse both kubeconfigs now, so a bad one is reported before anything runs.
  const rest = { qps: options.qps, burst: options.burst, userAgent: 'kstellar-engine' };
  const wds = DynamicClient.fromKubeConfig(
    loadEngineKubeConfig(options.wdsKubeconfig, options.wdsContext),
    rest,
  );
  const its = DynamicClient.fromKubeConfig(
    loadEngineKubeConfig(options.itsKubeconfig, options.itsContext),
    rest,
  );
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  const start = async (outer: AbortSignal): Promise<void> => {
    // Every informer and controller listens on the signal: use one without the listener cap.
    const { signal, release } = uncapped(outer);
    try {
      await ensureCrds(wds, wdsCrds(), log.child({ space: 'wds' }), signal);
      await ensureCrds(its, itsCrds(), log.child({ space: 'its' }), signal);
      await ensureNamespace(wds, ENGINE_NAMESPACE);
      if (signal.aborted) return;

      const wdsInformers = new DynamicInformers({ client: wds, log });
      const itsInformers = new DynamicInformers({ client: its, log });
      // The Resolver (fed by the binding controller's event handlers) serves binding and status.
      const resolving = enabled.has('binding') || enabled.has('status');
      const bindings = wdsInformers.informerFor<Binding>(BINDING);
      const works =
        enabled.has('transport') || enabled.has('status')
          ? itsInformers.informerFor<ManifestWork>(MANIFEST_WORK, {
              labelSelector: ownWorksSelector(options.wdsName),
              indexers: { [BINDING_INDEX]: worksByBinding, [FEEDBACK_INDEX]: worksByReportedObject },
            })
          : undefined;
      const resolver = new Resolver();
      let binding: BindingController | undefined;
      let status: StatusController | undefined;
      // Workload events go to the binding controller, created below (events only flow once running).
      const workload: WorkloadWatcher = new WorkloadWatcher({
        client: wds,
        informers: wdsInformers,
        events: { upsert: (r, o) => binding?.upsert(r, o), remove: (r, o) => binding?.remove(r, o) },
        log,
      });
      if (enabled.has('status'))
        status = new StatusController({
          wds,
          wdsName: options.wdsName,
          resolver,
          workStatuses: itsInformers.informerFor<WorkStatus>(WORK_STATUS, {
            indexers: { [SOURCE_INDEX]: workStatusesBySource },
          }),
          works,
          wdsInformers,
          resourceOf: (g, r) => workload.resource(g, r),
          log,
        });
      if (resolving)
        binding = new BindingController({
          wds,
          policies: wdsInformers.informerFor<BindingPolicy>(BINDING_POLICY),
          bindings,
          clusters: itsInformers.informerFor<KObject>(MANAGED_CLUSTER),
          log,
          resolver,
          onRequestsChanged: (keys) => status?.requestsChanged(keys),
          onObjectChanged: (res, obj) => status?.objectChanged(res, obj),
        });
      const transport = enabled.has('transport')
        ? new TransportController({
            wds,
            its,
            wdsName: options.wdsName,
            bindings,
            works: works!,
            wdsInformers,
            customTransforms: wdsInformers.informerFor<CustomTransform>(CUSTOM_TRANSFORM),
            maxNumWrapped: options.maxNumWrapped,
            maxSizeWrapped: options.maxSizeWrapped,
            log,
          })
        : undefined;

      const manager = new Manager({
        log,
        leaderElection: {
          client: wds,
          namespace: ENGINE_NAMESPACE,
          name: engineLeaseName(options.wdsName, enabled),
          identity: options.identity ?? `${hostname()}-${randomBytes(4).toString('hex')}`,
          leaseDurationMs: options.leaseDurationMs,
          renewDeadlineMs: options.renewDeadlineMs,
          retryPeriodMs: options.retryPeriodMs,
        },
      });
      manager.add(informersRunnable(wdsInformers)).add(informersRunnable(itsInformers)).add(workload);
      if (enabled.has('binding')) manager.add(binding!.controller);
      if (transport) manager.add(transport.controller);
      if (status) manager.add(status.controller);
      void manager.ready().then(readyResolve);
      log.info({ wdsName: options.wdsName, controllers: [...enabled] }, 'engine starting');
      await manager.start(signal);
      log.info('engine stopped');
    } catch (e) {
      // Requests cut short by the stop are not failures.
      if (signal.aborted) return;
      throw e;
    } finally {
      release();
      wds.rest.close();
      its.rest.close();
    }
  };
  return { start, ready: () => readyPromise };
}
