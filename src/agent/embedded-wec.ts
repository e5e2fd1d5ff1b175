/**
 * An embedded WEC: a space standing in for a cluster, plus the agent that registers it with an
 * ITS and applies its ManifestWorks, plus the workload simulator. This is the one place in
 * `src/agent` that may use `src/space` (the composition point); the agent itself only gets
 * kubeconfigs.
 *
 * The simulator belongs to the WEC, not to the agent: `stopAgent()` cuts the WEC off from the
 * ITS (no lease renewals, no ManifestWork sync) while its "cluster" keeps running, as a real
 * cluster keeps running its controllers when its klusterlet is down. Identity and state live in
 * `dataDir`, so a WEC restarted on the same directory is the same cluster.
 */
import { setMaxListeners } from 'node:events';
import pino, { type Logger } from 'pino';
import { DynamicClient } from '../kube/dynamic.js';
import { kubeConfigFromString } from '../kube/kubeconfig.js';
import { Space } from '../space/space.js';
import { createAgent, type Agent } from './runtime/agent.js';
import { createSimulator } from './runtime/simulator-driver.js';
import type { SimOptions } from './simulator/index.js';

export interface EmbeddedWecOptions {
  /** WEC name: the ManagedCluster name, the space name and its kubeconfig context. */
  name: string;
  labels?: Record<string, string>;
  /** Where the WEC's space keeps its data (created if missing). */
  dataDir: string;
  /** The ITS kubeconfig (YAML text or file path). */
  itsKubeconfig: string;
  itsContext?: string;
  /**
   * Port of the WEC's API server. Default: the port of the previous run on this dataDir when it
   * is free (so the WEC keeps its URL), else a free one.
   */
  port?: number;
  host?: string;
  logger?: Logger;
  /** Simulator options (the simulator always runs: embedded WECs run no controllers). */
  simulate?: SimOptions;
  leaseDurationSeconds?: number;
  statusSyncIntervalMs?: number;
  /** See AgentOptions.hubServerUrl. */
  hubServerUrl?: string;
}

export class EmbeddedWec {
  private agent?: { agent: Agent; stop: AbortController; running: Promise<void> };
  private readonly simStop = new AbortController();
  private simRunning?: Promise<void>;
  private simClient?: DynamicClient;
  private readonly log: Logger;
  private closed = false;

  private constructor(
    readonly options: EmbeddedWecOptions,
    readonly space: Space,
  ) {
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ wec: options.name });
    setMaxListeners(0, this.simStop.signal);
  }

  /** Starts the WEC's space, the simulator and the agent (which installs its own CRD). */
  static async start(o: EmbeddedWecOptions): Promise<EmbeddedWec> {
    const space = await startSpace(o);
    const wec = new EmbeddedWec(o, space);
    try {
      wec.simClient = DynamicClient.fromKubeConfig(kubeConfigFromString(space.kubeconfig()), {
        userAgent: 'kstellar-simulator',
      });
      const sim = createSimulator({
        spoke: wec.simClient,
        log: wec.log,
        options: o.simulate,
      });
      wec.simRunning = sim.start(wec.simStop.signal).catch((err) => {
        wec.log.error({ err }, 'simulator stopped');
      });
      wec.startAgent();
    } catch (e) {
      await wec.close();
      throw e;
    }
    return wec;
  }

  get name(): string {
    return this.options.name;
  }

  /** The WEC's API server URL. */
  get url(): string {
    return this.space.url;
  }

  /** Kubeconfig YAML for the WEC (context named after it). */
  kubeconfig(): string {
    return this.space.kubeconfig();
  }

  /** Whether the agent is running (talking to the ITS). */
  get agentRunning(): boolean {
    return this.agent !== undefined;
  }

  /** (Re)starts the agent; a no-op while it runs. */
  startAgent(): void {
    if (this.closed) throw new Error(`WEC ${this.name} is closed`);
    if (this.agent) return;
    const o = this.options;
    const agent = createAgent({
      clusterName: o.name,
      labels: o.labels,
      hubKubeconfig: o.itsKubeconfig,
      hubContext: o.itsContext,
      spokeKubeconfig: this.space.kubeconfig(),
      log: this.log,
      leaseDurationSeconds: o.leaseDurationSeconds,
      statusSyncIntervalMs: o.statusSyncIntervalMs,
      hubServerUrl: o.hubServerUrl,
      simulate: false, // the WEC runs its own simulator, which outlives the agent
    });
    const stop = new AbortController();
    const running = agent.start(stop.signal).catch((err) => {
      this.log.error({ err }, 'agent stopped');
    });
    this.agent = { agent, stop, running };
  }

  /** Stops the agent (the WEC's space and simulator keep running). */
  async stopAgent(): Promise<void> {
    const a = this.agent;
    if (!a) return;
    this.agent = undefined;
    a.stop.abort();
    await a.running;
  }

  /** Resolves once the running agent has joined and started its parts. */
  ready(): Promise<void> {
    if (!this.agent) return Promise.reject(new Error(`the agent of WEC ${this.name} is not running`));
    return this.agent.agent.ready();
  }

  /** Stops the agent, the simulator and the space. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopAgent();
    this.simStop.abort();
    await this.simRunning;
    this.simClient?.rest.close();
    await this.space.close();
  }
}

async function startSpace(o: EmbeddedWecOptions): Promise<Space> {
  const opts = { dataDir: o.dataDir, name: o.name, host: o.host, logger: o.logger?.child({ space: o.name }) };
  // Without a given port, keep the previous run's: the WEC's URL (its ManagedCluster's client
  // config, kubeconfigs handed out) stays the same across restarts.
  return Space.start({ ...opts, port: o.port, keepPort: o.port === undefined });
}
