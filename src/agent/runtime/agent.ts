/**
 * The whole agent for one WEC (a klusterlet in Singleton mode plus KubeStellar's status add-on):
 * registration first; once the hub has accepted the cluster, the work agent and the status
 * add-on; optionally the workload simulator for WECs that run no controllers. Given two
 * kubeconfigs, it never knows whether a space is embedded or a real cluster.
 */
import { setMaxListeners } from 'node:events';
import pino, { type Logger } from 'pino';
import { wecCrds } from '../../api/crds.js';
import { ensureCrds } from '../../engine/controllers/crds.js';
import { DynamicClient } from '../../kube/dynamic.js';
import { kubeConfigFromString, loadKubeConfig, type KubeConfigLike } from '../../kube/kubeconfig.js';
import type { SimOptions } from '../simulator/index.js';
import type { ClusterClaim } from '../registration/index.js';
import { createRegistrationAgent } from './registration-agent.js';
import { createSimulator } from './simulator-driver.js';
import { createStatusAddon } from './status-addon.js';
import { createWorkAgent } from './work-agent.js';

export interface AgentOptions {
  clusterName: string;
  /** Labels of the ManagedCluster when it is created. */
  labels?: Record<string, string>;
  /** Hub (ITS) kubeconfig: YAML text (contains a newline) or a file path. */
  hubKubeconfig: string;
  hubContext?: string;
  /** WEC kubeconfig: YAML text or a file path. */
  spokeKubeconfig: string;
  spokeContext?: string;
  log?: Logger;
  leaseDurationSeconds?: number;
  claims?: readonly ClusterClaim[];
  /** Run the workload simulator on the WEC (true: default options). */
  simulate?: boolean | SimOptions;
  statusSyncIntervalMs?: number;
  /**
   * Identifies the hub to the work agent (AppliedManifestWork names); default the server URL
   * of the hub kubeconfig. Give a stable value when the hub's address may change.
   */
  hubServerUrl?: string;
}

export interface Agent {
  /** Runs until `signal` aborts; rejects when a part fails. Call once. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once the cluster is joined and every part is running. */
  ready(): Promise<void>;
}

/** A kubeconfig given as YAML text (it has a newline) or as a file path. */
export function loadAgentKubeConfig(textOrPath: string, context?: string): KubeConfigLike {
  return textOrPath.includes('\n')
    ? kubeConfigFromString(textOrPath, context)
    : loadKubeConfig(textOrPath, context);
}

export function createAgent(o: AgentOptions): Agent {
  const log = (o.log ?? pino({ level: 'silent' })).child({ cluster: o.clusterName });
  const rest = { userAgent: 'kstellar-agent' };
  // Parse both kubeconfigs now, so a bad one is reported before anything runs.
  const hub = DynamicClient.fromKubeConfig(loadAgentKubeConfig(o.hubKubeconfig, o.hubContext), rest);
  const spoke = DynamicClient.fromKubeConfig(loadAgentKubeConfig(o.spokeKubeconfig, o.spokeContext), rest);
  const { clusterName } = o;

  const registration = createRegistrationAgent({
    clusterName,
    labels: o.labels,
    hub,
    spoke,
    log,
    leaseDurationSeconds: o.leaseDurationSeconds,
    claims: o.claims,
  });
  const work = createWorkAgent({
    clusterName,
    hub,
    spoke,
    log,
    hubServerUrl: o.hubServerUrl,
    statusSyncIntervalMs: o.statusSyncIntervalMs,
  });
  const statusAddon = createStatusAddon({ clusterName, hub, spoke, log });
  const simulator = o.simulate
    ? createSimulator({ spoke, log, options: o.simulate === true ? {} : o.simulate })
    : undefined;

  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));
  let started = false;

  const start = async (outer: AbortSignal): Promise<void> => {
    if (started) throw new Error(`agent for ${clusterName} already started`);
    started = true;
    // One part failing stops the others.
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    const onAbort = () => ac.abort();
    if (outer.aborted) ac.abort();
    else outer.addEventListener('abort', onAbort, { once: true });
    let failure: unknown;
    const runs: Promise<void>[] = [];
    const run = (what: string, p: Promise<void>) =>
      runs.push(
        p.catch((err) => {
          if (ac.signal.aborted) return;
          log.error({ err, part: what }, 'agent part failed');
          failure ??= err;
          ac.abort();
        }),
      );
    const aborted = new Promise<void>((r) => ac.signal.addEventListener('abort', () => r(), { once: true }));
    try {
      // What the klusterlet operator does first on a real cluster: install the agent's own CRD.
      await ensureCrds(spoke, wecCrds(), log, ac.signal);
      if (simulator) run('simulator', simulator.start(ac.signal));
      run('registration', registration.start(ac.signal));
      // The work parts need the hub's acceptance (in OCM: hub credentials) before they start.
      await Promise.race([registration.ready(), aborted]);
      if (!ac.signal.aborted) {
        log.info('cluster joined; starting the work agent and the status add-on');
        run('work', work.start(ac.signal));
        run('status-addon', statusAddon.start(ac.signal));
        void Promise.race([
          Promise.all([work.ready(), statusAddon.ready(), simulator?.ready()]).then(() => readyResolve()),
          aborted,
        ]);
      }
      await aborted;
      await Promise.all(runs);
    } finally {
      outer.removeEventListener('abort', onAbort);
      ac.abort();
      hub.rest.close();
      spoke.rest.close();
    }
    if (failure !== undefined) throw failure;
  };
  return { start, ready: () => readyPromise };
}
