/**
 * The pinned version matrix of the kind provider: every chart, image and tool it installs, and the
 * tool ranges it was tested with. One row (KubeStellar 0.30.0: KubeFlex 0.9.3, OCM 1.0.0, status
 * add-on 0.2.0-rc17). Never "latest": a new row is a reviewed change.
 */

/** Tools kstellar drives, with the range it was tested with and the release it fetches otherwise. */
export interface ToolPin {
  /** Release fetched into KSTELLAR_HOME/bin when the tool is missing or untested. */
  version: string;
  /** Inclusive lower and exclusive upper bound of the versions tested. */
  tested: { min: string; below: string };
  /** Download URL for an OS (`linux`, `darwin`) and architecture (`amd64`, `arm64`). */
  url(os: string, arch: string): string;
  /** sha256 of the downloaded file, per `<os>-<arch>`. */
  sha256: Record<string, string>;
  /** For archives: the member holding the binary. */
  member?(os: string, arch: string): string;
  /** What to tell a user who must install it by hand. */
  manual: string;
}

export const KIND_PIN: ToolPin = {
  version: '0.29.0',
  tested: { min: '0.20.0', below: '1.0.0' },
  url: (os, arch) => `https://github.com/kubernetes-sigs/kind/releases/download/v0.29.0/kind-${os}-${arch}`,
  sha256: {
    'linux-amd64': 'c72eda46430f065fb45c5f70e7c957cc9209402ef309294821978677c8fb3284',
    'linux-arm64': '03d45095dbd9cc1689f179a3e5e5da24b77c2d1b257d7645abf1b4174bebcf2a',
    'darwin-amd64': '3eb0d4de25b854f34ea8ce8a3cbe15054fc03bc962b03e96fd10664b829fb6ed',
    'darwin-arm64': '314d8f1428842fd1ba2110fd0052a0f0b3ab5773ab1bdcdad1ff036e913310c9',
  },
  manual: 'install kind v0.29.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)',
};

export const HELM_PIN: ToolPin = {
  version: '3.18.4',
  // --set-json and OCI charts need 3.10; Helm 4 changed flags and is not tested yet.
  tested: { min: '3.10.0', below: '4.0.0' },
  url: (os, arch) => `https://get.helm.sh/helm-v3.18.4-${os}-${arch}.tar.gz`,
  member: (os, arch) => `${os}-${arch}/helm`,
  sha256: {
    'linux-amd64': 'f8180838c23d7c7d797b208861fecb591d9ce1690d8704ed1e4cb8e2add966c1',
    'linux-arm64': 'c0a45e67eef0c7416a8a8c9e9d5d2d30d70e4f4d3f7bea5de28241fffa8f3b89',
    'darwin-amd64': '860a7238285b44b5dc7b3c4dad6194316885d7015d77c34e23177e0e9554af8f',
    'darwin-arm64': '041849741550b20710d7ad0956e805ebd960b483fe978864f8e7fdd03ca84ec8',
  },
  manual: 'install Helm v3.18.4 (https://helm.sh/docs/intro/install/)',
};

/** kubectl is only checked (users need it for their own work); kstellar itself never runs it. */
export const KUBECTL_TESTED = { min: '1.29.0', below: '2.0.0' };

export const MATRIX = {
  kubestellar: '0.30.0',
  ingressNginx: {
    repo: 'https://kubernetes.github.io/ingress-nginx',
    chart: 'ingress-nginx',
    // chart 4.12.1 = controller v1.12.1, the version KubeStellar's kind script applies.
    version: '4.12.1',
  },
  kubeflex: {
    chart: 'oci://ghcr.io/kubestellar/kubeflex/chart/kubeflex-operator',
    version: 'v0.9.3',
  },
  ocm: {
    repo: 'https://open-cluster-management.io/helm-charts',
    clusterManagerChart: 'cluster-manager',
    version: '1.0.0',
    registry: 'quay.io/open-cluster-management',
    imageTag: 'v1.0.0',
  },
  statusAddon: {
    chart: 'oci://ghcr.io/kubestellar/ocm-status-addon-chart',
    version: 'v0.2.0-rc17',
  },
} as const;

/** Image of the engine (`kstellar controller run`); override with KSTELLAR_ENGINE_IMAGE. */
export function defaultEngineImage(packageVersion: string): string {
  return `ghcr.io/kubestellar/kstellar:${packageVersion}`;
}
