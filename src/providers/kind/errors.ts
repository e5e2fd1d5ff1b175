/**
 * The kind provider's error catalogue (provisioning spec §5.6): known failure signatures of the
 * tools and clusters, each mapped to a code, a message and what to do about it. Every failure a
 * user sees carries its code, so docs and issues can refer to it.
 */
import { CliError, ExitCode } from '../../cli/errors.js';
import { lastLines, type RunResult } from './runner.js';

export type ErrorCode =
  | 'E-RUNTIME'
  | 'E-PREFLIGHT'
  | 'E-TOOL'
  | 'E-TIMEOUT'
  | 'E-COMMAND'
  | 'E-VERSION-CLUSTERADM'
  | 'E-HUB-NOT-READY'
  | 'E-CRD-NOT-ESTABLISHED'
  | 'E-CSR-MISSING'
  | 'E-CSR-AMBIGUOUS'
  | 'E-INSUFFICIENT-CPU'
  | 'E-IMAGE-PULL'
  | 'E-KIND-LOAD-DIGEST'
  | 'E-PORT-BUSY'
  | 'E-HELM-AUTH'
  | 'E-JOB-FAILED'
  | 'E-SECRET-KEY-MISSING'
  | 'E-CLUSTER-INFO'
  | 'E-INOTIFY'
  | 'E-NAME-COLLISION'
  | 'E-NOT-INITIALIZED'
  | 'E-KLUSTERLET-MISMATCH';

/** Remediation per code: what the user should do. */
export const CATALOG: Record<ErrorCode, string> = {
  'E-RUNTIME':
    'start Docker (Linux: `sudo systemctl start docker`; macOS/Windows: open Docker Desktop, colima or Rancher Desktop) and check that `docker info` works',
  'E-PREFLIGHT':
    'fix the failed checks listed above, then run the command again (`kstellar preflight` re-checks)',
  'E-TOOL': 'install the tool by hand (see the message) or check your network, then run the command again',
  'E-TIMEOUT':
    'run again with --verbose to see the commands; `kstellar status` shows what is not ready (the run is idempotent)',
  'E-COMMAND': 'run again with --verbose to see the exact command line and its output',
  'E-VERSION-CLUSTERADM':
    'the hub was initialised by a different clusteradm generation; kstellar handles both service-account names, but a local clusteradm must match the hub (`clusteradm version`)',
  'E-HUB-NOT-READY':
    'the ITS is not an OCM hub yet: wait for `kstellar create imbs` to finish (it verifies the cluster-manager), then register the WEC again',
  'E-CRD-NOT-ESTABLISHED':
    'the Klusterlet CRD never became Established on the WEC; check the WEC API server (`kubectl --context <wec> get crd klusterlets.operator.open-cluster-management.io`) and run again',
  'E-CSR-MISSING':
    'the klusterlet on the WEC did not reach the hub: check `kubectl --context <wec> -n open-cluster-management-agent logs deploy/klusterlet-agent` and that the hub URL it dials is reachable from the WEC container (kind WECs must share the docker network "kind")',
  'E-CSR-AMBIGUOUS':
    'several agents asked to join under this cluster name; delete the stale CSRs (`kubectl --context <its> get csr -l open-cluster-management.io/cluster-name=<wec>`) and run again',
  'E-INSUFFICIENT-CPU':
    'give the container runtime more CPU and memory (Docker Desktop: Settings > Resources; colima: `colima start --cpu 4 --memory 8`), or create fewer WECs',
  'E-IMAGE-PULL':
    'a registry refused or rate-limited an image pull; check `docker pull <image>` from this machine, log in to the registry, or retry later',
  'E-KIND-LOAD-DIGEST':
    'the image is a multi-platform index kind cannot import; kstellar retries with a flattened single-platform copy (`docker build` of `FROM <image>`)',
  'E-PORT-BUSY':
    'another process holds the port; stop it (`docker ps --filter publish=<port>` shows containers) or choose another port with --port',
  'E-HELM-AUTH':
    'helm could not pull from ghcr.io: usually a broken credential helper in ~/.docker/config.json; try `DOCKER_CONFIG=$(mktemp -d) kstellar ...` or `helm registry logout ghcr.io`',
  'E-JOB-FAILED':
    'a KubeFlex Job failed; see its logs with `kubectl --context kind-<hosting> -n <cp>-system logs job/<job>`, then delete the control plane (`kstellar down`) and create it again',
  'E-SECRET-KEY-MISSING':
    'KubeFlex wrote the kubeconfig secret without the expected key (a known reconcile race); delete the control plane and create it again',
  'E-CLUSTER-INFO':
    'the ITS cluster-info does not point at the in-cluster endpoint WECs need; rerun the KubeFlex update-cluster-info Job (`kubectl --context kind-<hosting> -n <its>-system delete job update-cluster-info`) and run again',
  'E-INOTIFY':
    'raise the inotify limits: Linux `sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512` (persist in /etc/sysctl.d/99-kind.conf); Docker Desktop/colima: set them inside the VM',
  'E-NAME-COLLISION':
    'a kind cluster or kubeconfig context with that name exists and was not created by kstellar; remove it (`kind delete cluster --name <name>`), or choose another name',
  'E-NOT-INITIALIZED': 'run `kstellar init --provider kind` first',
  'E-KLUSTERLET-MISMATCH':
    'the cluster already runs a klusterlet for another hub or cluster name; remove it first (`kubectl delete klusterlet klusterlet`, then the open-cluster-management* namespaces) or register it under its current name',
};

export class KindError extends CliError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: { exitCode?: ExitCode; hint?: string; detail?: string } = {},
  ) {
    super(
      `[${code}] ${message}${opts.detail ? `\n${opts.detail}` : ''}`,
      opts.exitCode ?? ExitCode.Failed,
      opts.hint ?? CATALOG[code],
    );
  }
}

/** Tool output signatures, first match wins. */
const SIGNATURES: Array<[RegExp, ErrorCode]> = [
  [/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i, 'E-RUNTIME'],
  [/content digest .* not found/i, 'E-KIND-LOAD-DIGEST'],
  [/address already in use|port is already allocated|bind: .*in use/i, 'E-PORT-BUSY'],
  [/failed to authorize|403 Forbidden|unauthorized: authentication required|denied: denied/i, 'E-HELM-AUTH'],
  [/toomanyrequests|ErrImagePull|ImagePullBackOff|pull rate limit/i, 'E-IMAGE-PULL'],
  [/Insufficient (cpu|memory)/i, 'E-INSUFFICIENT-CPU'],
  [
    /too many open files|failed to create inotify|kubeadm init.*exit status 1|failed to init node with kubeadm/i,
    'E-INOTIFY',
  ],
];

/** The catalogue entry a failed command's output matches, if any. */
export function classify(text: string): ErrorCode | undefined {
  return SIGNATURES.find(([re]) => re.test(text))?.[1];
}

/** The error to raise for a failed command. */
export function commandError(r: RunResult, what: string): KindError {
  if (r.notFound) return new KindError('E-TOOL', `${what}: ${r.command.split(' ')[0]} is not installed`);
  if (r.timedOut) return new KindError('E-TIMEOUT', `${what}: \`${r.command}\` timed out`);
  const out = `${r.stderr}\n${r.stdout}`;
  const code = classify(out) ?? 'E-COMMAND';
  return new KindError(code, `${what} failed (exit ${r.exitCode}): ${lastLines(r.stderr || r.stdout, 4)}`, {
    detail: `command: ${r.command}`,
  });
}
