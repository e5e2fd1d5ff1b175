/**
 * A fast path for kubeconfigs with static credentials only (server, CA, token or client
 * certificate, inline or in files) — what our spaces, KubeFlex and kind hand out. Importing
 * client-node costs about half a second of CLI start-up, so it is loaded only for kubeconfigs
 * that need it (exec plugins, auth providers); see kubeconfig.ts.
 */
import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { parse } from 'yaml';
import { KubeConfigError } from './errors.js';

/** What RestClient needs of a kubeconfig; client-node's KubeConfig has the same methods. */
export interface KubeConfigLike {
  getCurrentContext(): string;
  getCurrentCluster(): {
    name: string;
    server: string;
    proxyUrl?: string;
    skipTLSVerify?: boolean;
    caData?: string;
  } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

interface RawCluster {
  server?: string;
  'certificate-authority-data'?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

interface RawUser {
  token?: string;
  tokenFile?: string;
  'client-certificate-data'?: string;
  'client-certificate'?: string;
  'client-key-data'?: string;
  'client-key'?: string;
  username?: string;
  password?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
  [k: string]: unknown;
}

type Named<T> = { name: string } & Record<string, T>;

const SUPPORTED_USER_KEYS = new Set([
  'token',
  'tokenFile',
  'client-certificate-data',
  'client-certificate',
  'client-key-data',
  'client-key',
  'username',
  'password',
  'extensions',
]);

export class StaticKubeConfig implements KubeConfigLike {
  private constructor(
    private readonly context: string,
    private readonly clusterName: string,
    private readonly cluster: RawCluster,
    private readonly user: RawUser,
    readonly contexts: string[],
  ) {}

  /**
   * Parses `yaml` and selects `context` (default: current-context). Returns undefined when the
   * chosen user needs more than static credentials, so the caller can use client-node instead.
   * Throws KubeConfigError for a missing or incomplete context.
   */
  static parse(yaml: string, context?: string): StaticKubeConfig | undefined {
    let cfg: Record<string, unknown>;
    try {
      cfg = (parse(yaml) ?? {}) as Record<string, unknown>;
    } catch (e) {
      throw new KubeConfigError(`invalid kubeconfig: ${(e as Error).message}`);
    }
    const list = <T>(k: string) =>
      ((Array.isArray(cfg[k]) ? cfg[k] : []) as Named<T>[]).filter((x) => x?.name);
    const contexts = list<{ cluster?: string; user?: string }>('contexts');
    const names = contexts.map((c) => c.name);
    const wanted = context || (cfg['current-context'] as string | undefined);
    if (!wanted)
      throw new KubeConfigError(
        `the kubeconfig has no current-context; pick one of: ${names.join(', ') || '(no contexts defined)'}`,
      );
    const ctx = contexts.find((c) => c.name === wanted);
    if (!ctx)
      throw new KubeConfigError(
        `context "${wanted}" not found in the kubeconfig; available contexts: ${names.join(', ') || '(none)'}`,
      );
    const c = (ctx.context ?? {}) as { cluster?: string; user?: string };
    const cluster = list<RawCluster>('clusters').find((x) => x.name === c.cluster);
    if (!cluster?.cluster)
      throw new KubeConfigError(`context "${wanted}" refers to cluster "${c.cluster}", which is not defined`);
    const user = c.user ? list<RawUser>('users').find((x) => x.name === c.user) : undefined;
    if (c.user && !user)
      throw new KubeConfigError(`context "${wanted}" refers to user "${c.user}", which is not defined`);
    const u = (user?.user ?? {}) as RawUser;
    if (Object.keys(u).some((k) => !SUPPORTED_USER_KEYS.has(k))) return undefined;
    if (!cluster.cluster.server) throw new KubeConfigError(`cluster "${c.cluster}" has no server`);
    return new StaticKubeConfig(wanted, cluster.name, cluster.cluster, u, names);
  }

  getCurrentContext(): string {
    return this.context;
  }

  getCurrentCluster() {
    return {
      name: this.clusterName,
      server: this.cluster.server!,
      proxyUrl: this.cluster['proxy-url'],
      skipTLSVerify: this.cluster['insecure-skip-tls-verify'] === true,
      caData: this.cluster['certificate-authority-data'],
    };
  }

  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const c = this.cluster;
    const u = this.user;
    const b64 = (s: string) => Buffer.from(s, 'base64');
    if (c['certificate-authority-data']) opts.ca = b64(c['certificate-authority-data']);
    else if (c['certificate-authority']) opts.ca = readFileSync(c['certificate-authority']);
    if (c['insecure-skip-tls-verify']) opts.rejectUnauthorized = false;
    if (c['tls-server-name']) opts.servername = c['tls-server-name'];
    if (u['client-certificate-data']) opts.cert = b64(u['client-certificate-data']);
    else if (u['client-certificate']) opts.cert = readFileSync(u['client-certificate']);
    if (u['client-key-data']) opts.key = b64(u['client-key-data']);
    else if (u['client-key']) opts.key = readFileSync(u['client-key']);
    const token = u.token ?? (u.tokenFile ? readFileSync(u.tokenFile, 'utf8').trim() : undefined);
    if (token) opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${token}` };
    else if (u.username && u.password) opts.auth = `${u.username}:${u.password}`;
  }
}
