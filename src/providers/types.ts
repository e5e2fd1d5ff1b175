/**
 * The contract between the thin CLI commands and a provider (embedded daemon, kind clusters, ...).
 * A provider provisions spaces (ITS, WDS) and WECs and hands back kubeconfigs; everything that
 * works on an installation once it exists (bind, status, ctx) goes through those kubeconfigs and
 * is provider-independent.
 */

export type ProviderName = 'embedded' | 'kind';
export const PROVIDER_NAMES: readonly ProviderName[] = ['embedded', 'kind'];

export type SpaceType = 'its' | 'wds';

/** A space (ITS or WDS) as the provider reports it. */
export interface SpaceRecord {
  name: string;
  type: SpaceType;
  /** For a WDS: the ITS it delivers through. */
  its?: string;
  /** Kubeconfig YAML text whose current-context is named after the space (undefined when not ready). */
  kubeconfig?: string;
  ready: boolean;
  /** Why it is not ready, when it is not. */
  message?: string;
}

/** A workload execution cluster registered with an ITS. */
export interface WecRecord {
  name: string;
  its: string;
  labels: Record<string, string>;
  /** True for WECs the provider runs itself (embedded WECs, kind clusters it created). */
  managed: boolean;
  /** Kubeconfig YAML text whose current-context is named after the WEC (when the provider has one). */
  kubeconfig?: string;
  ready: boolean;
  message?: string;
}

export interface Inventory {
  provider: ProviderName;
  spaces: SpaceRecord[];
  wecs: WecRecord[];
}

/** Progress reporting on stderr: spinners on a TTY, plain lines otherwise (see src/cli/ui.ts). */
export interface Ui {
  /** Starts a step; finish it with one of the handle's methods. */
  step(title: string): StepHandle;
  info(message: string): void;
  warn(message: string): void;
  /** Extra detail shown with --verbose only (e.g. exact command lines). */
  verbose(message: string): void;
}

export interface StepHandle {
  update(text: string): void;
  /** Done, having changed something. */
  succeed(text?: string): void;
  /** Nothing to do: already in the wanted state. */
  skip(text?: string): void;
  fail(text?: string): void;
}

export interface InitOptions {
  /** Create its1, wds1, cluster1 and cluster2 as well. */
  quickstart?: boolean;
  dryRun?: boolean;
  timeoutMs?: number;
}

export interface CreateSpaceOptions {
  /** For a WDS: its ITS (the CLI resolves the default). */
  its?: string;
  dryRun?: boolean;
  timeoutMs?: number;
}

export interface RegisterWecOptions {
  its: string;
  labels: Record<string, string>;
  /** An existing cluster to register instead of creating one. */
  kubeconfig?: string;
  context?: string;
  dryRun?: boolean;
  timeoutMs?: number;
}

export interface DownOptions {
  dryRun?: boolean;
}

/** What a provisioning call did: `changed` false means it found everything in place. */
export interface Outcome {
  changed: boolean;
}

export interface Provider {
  readonly name: ProviderName;
  /** Starts (or resumes) the platform; idempotent. */
  init(opts: InitOptions): Promise<Outcome>;
  /** Whether the platform is up (daemon running, hosting cluster reachable). */
  running(): Promise<boolean>;
  createIts(name: string, opts: CreateSpaceOptions): Promise<Outcome>;
  createWds(name: string, opts: CreateSpaceOptions): Promise<Outcome>;
  registerWec(name: string, opts: RegisterWecOptions): Promise<Outcome>;
  /** Everything the provider knows of, with kubeconfigs where available. */
  inventory(): Promise<Inventory>;
  /** Stops and removes everything the provider created; idempotent. */
  down(opts: DownOptions): Promise<Outcome>;
}

/** Shared by providers: where kstellar keeps its state and which kubeconfig it merges into. */
export interface ProviderContext {
  /** KSTELLAR_HOME (default ~/.kstellar). */
  home: string;
  /** The kubeconfig file contexts are merged into (first of $KUBECONFIG, else ~/.kube/config). */
  kubeconfigPath: string;
  ui: Ui;
  /** The command line that re-runs this CLI (node + script), used to start the daemon. */
  selfCommand: string[];
  verbose?: boolean;
}
