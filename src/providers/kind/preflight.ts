/**
 * Preflight checks for the kind provider (provisioning spec §5.5): container runtime, resources,
 * inotify limits, tool versions, the host port, name collisions, DNS and the kubeconfig. Each
 * check reports pass, warn or fail with what it saw, what it needs and the fix; any fail blocks
 * (exit 3). Every probe goes through the Runner or an injectable function, so each check can be
 * driven by a fake in tests and the real machine is checked for real.
 */
import { lookup } from 'node:dns/promises';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { ownedContexts } from '../kubeconfig-merge.js';
import { lastLines, type Runner } from './runner.js';
import { formatVersion, inRange, probeTool, testedRange, PINS, type ToolName } from './tools.js';
import type { KindState } from './state.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  id: string;
  name: string;
  status: CheckStatus;
  observed: string;
  required: string;
  fix?: string;
}

export interface PreflightOptions {
  runner: Runner;
  home: string;
  /** The kubeconfig contexts are merged into. */
  kubeconfigPath: string;
  state: KindState;
  /** Hosting cluster name, port, domain. */
  hostingName: string;
  port: number;
  domain: string;
  /** Names of the spaces and WECs this run would create (for collision checks). */
  spaces: string[];
  wecs: string[];
  /** Probes, replaceable in tests. */
  portFree?(port: number): Promise<boolean>;
  resolve?(host: string): Promise<string[]>;
  readSysctl?(name: string): string | undefined;
  platform?: NodeJS.Platform;
  /** The kind binary to list clusters with (default: KSTELLAR_HOME/bin/kind if fetched, else PATH). */
  kindPath?: string;
}

const MIN_WATCHES = 524288;
const MIN_INSTANCES = 512;
const GiB = 1024 ** 3;

/** Whether 127.0.0.1:`port` can be bound right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

const defaultSysctl = (name: string): string | undefined => {
  const file = `/proc/sys/${name.replace(/\./g, '/')}`;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** The container runtime kind would use (kind's own switch). */
export function runtimeBinary(env: NodeJS.ProcessEnv = process.env): 'docker' | 'podman' {
  return env.KIND_EXPERIMENTAL_PROVIDER === 'podman' ? 'podman' : 'docker';
}

interface RuntimeInfo {
  ok: boolean;
  error?: string;
  notFound?: boolean;
  ncpu?: number;
  memBytes?: number;
  os?: string;
}

async function runtimeInfo(runner: Runner): Promise<RuntimeInfo> {
  const bin = runtimeBinary();
  const r = await runner.run(bin, ['info', '--format', '{{json .}}'], { timeoutMs: 20_000 });
  if (r.notFound) return { ok: false, notFound: true, error: `${bin} is not installed` };
  if (r.exitCode !== 0 || r.timedOut)
    return {
      ok: false,
      error: r.timedOut ? `\`${bin} info\` timed out` : lastLines(r.stderr || r.stdout, 2),
    };
  try {
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    // docker reports NCPU/MemTotal; podman nests them under host.
    const host = (info.host ?? {}) as Record<string, unknown>;
    if (Array.isArray(info.ServerErrors) && info.ServerErrors.length)
      return { ok: false, error: String(info.ServerErrors[0]) };
    return {
      ok: true,
      ncpu: Number(info.NCPU ?? host.cpus ?? 0) || undefined,
      memBytes: Number(info.MemTotal ?? host.memTotal ?? 0) || undefined,
      os: String(
        info.OperatingSystem ?? (host.distribution as { distribution?: string })?.distribution ?? '',
      ),
    };
  } catch {
    return { ok: false, error: `unexpected \`${bin} info\` output: ${lastLines(r.stdout, 1)}` };
  }
}

/** Runs every check; never throws for a failed probe (that is a fail or warn result). */
export async function runPreflight(o: PreflightOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const bin = runtimeBinary();
  const clusters = 1 + o.wecs.length;

  // P1 container runtime
  const rt = await runtimeInfo(o.runner);
  results.push(
    rt.ok
      ? {
          id: 'P1',
          name: 'container runtime',
          status: 'pass',
          observed: `${bin} running (${rt.os || 'unknown OS'})`,
          required: `${bin} daemon reachable`,
        }
      : {
          id: 'P1',
          name: 'container runtime',
          status: 'fail',
          observed: rt.error ?? 'not reachable',
          required: `${bin} daemon reachable (\`${bin} info\` succeeds)`,
          fix: rt.notFound
            ? 'install Docker (https://docs.docker.com/engine/install/) or Podman with KIND_EXPERIMENTAL_PROVIDER=podman, or use the embedded provider (`kstellar init`, no containers needed)'
            : `start the ${bin} daemon (Linux: \`sudo systemctl start ${bin}\`; macOS/Windows: start Docker Desktop, colima or Rancher Desktop), or use the embedded provider (\`kstellar init\`)`,
        },
  );

  // P2 resources (warn only)
  const needCpu = 4 + Math.max(0, o.wecs.length - 2);
  const needMem = (8 + 2 * Math.max(0, o.wecs.length - 2)) * GiB;
  if (!rt.ok || !rt.ncpu || !rt.memBytes) {
    results.push({
      id: 'P2',
      name: 'runtime resources',
      status: 'warn',
      observed: 'not checked (runtime not reachable)',
      required: `${needCpu} CPUs, ${needMem / GiB} GiB`,
    });
  } else {
    const ok = rt.ncpu >= needCpu && rt.memBytes >= needMem * 0.95;
    results.push({
      id: 'P2',
      name: 'runtime resources',
      status: ok ? 'pass' : 'warn',
      observed: `${rt.ncpu} CPUs, ${(rt.memBytes / GiB).toFixed(1)} GiB`,
      required: `${needCpu} CPUs, ${needMem / GiB} GiB for ${clusters} kind clusters`,
      fix: ok
        ? undefined
        : 'give the runtime more CPU/memory (Docker Desktop: Settings > Resources; colima: `colima start --cpu 4 --memory 8`) or create fewer WECs',
    });
  }

  // P3 inotify limits (read where the containers run: this kernel on Linux, the VM otherwise)
  results.push(await inotifyCheck(o, rt, clusters));

  // P4 tools
  for (const name of ['kind', 'helm', 'kubectl'] as ToolName[]) results.push(await toolCheck(o.runner, name));

  // P6 port
  results.push(await portCheck(o));

  // P7 names
  results.push(await namesCheck(o, rt.ok));

  // P9 DNS
  results.push(await dnsCheck(o));

  // P12 kubeconfig
  results.push(kubeconfigCheck(o.kubeconfigPath));
  return results;
}

async function inotifyCheck(o: PreflightOptions, rt: RuntimeInfo, clusters: number): Promise<CheckResult> {
  const required = `fs.inotify.max_user_watches >= ${MIN_WATCHES}, max_user_instances >= ${MIN_INSTANCES} (for 3+ kind clusters)`;
  let watches: number | undefined;
  let instances: number | undefined;
  let where = 'this machine';
  const linuxNative = (o.platform ?? process.platform) === 'linux' && !/Docker Desktop/i.test(rt.os ?? '');
  if (linuxNative) {
    const read = o.readSysctl ?? defaultSysctl;
    watches = Number(read('fs.inotify.max_user_watches')) || undefined;
    instances = Number(read('fs.inotify.max_user_instances')) || undefined;
  } else if (rt.ok) {
    where = 'the container VM';
    const r = await o.runner.run(
      runtimeBinary(),
      [
        'run',
        '--rm',
        'busybox',
        'sysctl',
        '-n',
        'fs.inotify.max_user_watches',
        'fs.inotify.max_user_instances',
      ],
      { timeoutMs: 120_000 },
    );
    if (r.exitCode === 0) [watches, instances] = r.stdout.split(/\s+/).map((s) => Number(s) || undefined);
  }
  if (watches === undefined || instances === undefined)
    return { id: 'P3', name: 'inotify limits', status: 'warn', observed: 'not readable', required };
  const low = watches < MIN_WATCHES || instances < MIN_INSTANCES;
  const observed = `watches ${watches}, instances ${instances} (${where})`;
  if (!low) return { id: 'P3', name: 'inotify limits', status: 'pass', observed, required };
  return {
    id: 'P3',
    name: 'inotify limits',
    // Too low only breaks the second and later clusters (kubeadm init fails), so it blocks with 3+.
    status: clusters >= 3 ? 'fail' : 'warn',
    observed,
    required,
    fix: linuxNative
      ? `sudo sysctl fs.inotify.max_user_watches=${MIN_WATCHES} fs.inotify.max_user_instances=${MIN_INSTANCES} (persist them in /etc/sysctl.d/99-kind.conf)`
      : `raise them inside the container VM (colima: \`colima ssh -- sudo sysctl -w fs.inotify.max_user_watches=${MIN_WATCHES} fs.inotify.max_user_instances=${MIN_INSTANCES}\`; Rancher Desktop: a provisioning script in override.yaml)`,
  };
}

async function toolCheck(runner: Runner, name: ToolName): Promise<CheckResult> {
  const range = testedRange(name)!;
  const required = `${name} ${range.min} to below ${range.below}`;
  const probe = await probeTool(runner, name);
  const fetchable = name === 'kind' || name === 'helm';
  const id = 'P4';
  const label = `tool: ${name}`;
  if (probe.version && inRange(probe.version, range))
    return {
      id,
      name: label,
      status: 'pass',
      observed: `${formatVersion(probe.version)} (${probe.path})`,
      required,
    };
  const observed = !probe.found
    ? 'not installed'
    : probe.version
      ? formatVersion(probe.version)
      : `unreadable version (${probe.output})`;
  if (fetchable)
    return {
      id,
      name: label,
      status: 'warn',
      observed,
      required,
      fix: `kstellar fetches the pinned ${name} v${PINS[name as 'kind' | 'helm'].version} into KSTELLAR_HOME/bin (sha256-checked); to avoid the download, ${PINS[name as 'kind' | 'helm'].manual}`,
    };
  return {
    id,
    name: label,
    status: 'warn',
    observed,
    required,
    fix: 'kstellar does not need kubectl, but you will to use the spaces: https://kubernetes.io/docs/tasks/tools/',
  };
}

async function portCheck(o: PreflightOptions): Promise<CheckResult> {
  const required = `host port ${o.port} free (or held by our hosting cluster)`;
  const free = await (o.portFree ?? portFree)(o.port);
  if (free) return { id: 'P6', name: 'host port', status: 'pass', observed: `${o.port} free`, required };
  const r = await o.runner.run(
    runtimeBinary(),
    ['ps', '--filter', `publish=${o.port}`, '--format', '{{.Names}}'],
    { timeoutMs: 20_000 },
  );
  const owners =
    r.exitCode === 0
      ? r.stdout
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const ours = `${o.hostingName}-control-plane`;
  if (owners.includes(ours) && o.state.hosting?.name === o.hostingName)
    return {
      id: 'P6',
      name: 'host port',
      status: 'pass',
      observed: `${o.port} held by our hosting cluster (${ours})`,
      required,
    };
  return {
    id: 'P6',
    name: 'host port',
    status: 'fail',
    observed: `${o.port} in use${owners.length ? ` by container ${owners.join(', ')}` : ' (not by a container)'}`,
    required,
    fix: `free port ${o.port} (\`${runtimeBinary()} ps --filter publish=${o.port}\`, \`lsof -i :${o.port}\`) or choose another with --port`,
  };
}

async function namesCheck(o: PreflightOptions, runtimeOk: boolean): Promise<CheckResult> {
  const required = 'no kind cluster or kubeconfig context of these names that kstellar did not create';
  const clashes: string[] = [];
  if (runtimeOk) {
    const pinned = join(o.home, 'bin', 'kind');
    const r = await o.runner.run(o.kindPath ?? (existsSync(pinned) ? pinned : 'kind'), ['get', 'clusters'], {
      timeoutMs: 30_000,
    });
    if (r.exitCode === 0) {
      const existing = new Set(
        r.stdout
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      const ours = new Set([
        ...(o.state.hosting?.created ? [o.state.hosting.name] : []),
        ...o.state.wecs.filter((w) => w.createdCluster).map((w) => w.name),
      ]);
      for (const n of [o.hostingName, ...o.wecs])
        if (existing.has(n) && !ours.has(n)) clashes.push(`kind cluster ${n}`);
    }
  }
  const contexts = contextNames(o.kubeconfigPath);
  const owned = new Set(ownedContexts(o.kubeconfigPath, o.home));
  for (const n of [`kind-${o.hostingName}`, ...o.spaces, ...o.wecs])
    if (contexts.includes(n) && !owned.has(n)) clashes.push(`context ${n}`);
  if (!clashes.length)
    return {
      id: 'P7',
      name: 'name collisions',
      status: 'pass',
      observed: runtimeOk ? 'none' : 'none in kubeconfig (kind clusters not checked)',
      required,
    };
  return {
    id: 'P7',
    name: 'name collisions',
    status: 'fail',
    observed: clashes.join(', '),
    required,
    fix: 'remove them (`kind delete cluster --name <name>`, `kubectl config delete-context <name>`) or choose other names',
  };
}

function contextNames(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    const cfg = parseDocument(readFileSync(path, 'utf8')).toJSON() as {
      contexts?: { name: string }[];
    } | null;
    return (cfg?.contexts ?? []).map((c) => c.name);
  } catch {
    return [];
  }
}

async function dnsCheck(o: PreflightOptions): Promise<CheckResult> {
  const host = `${o.spaces[0] ?? 'its1'}.${o.domain}`;
  const required = `${host} resolves to 127.0.0.1 (spaces are reached through the ingress)`;
  const resolve = o.resolve ?? (async (h: string) => (await lookup(h, { all: true })).map((a) => a.address));
  let addrs: string[] = [];
  try {
    addrs = await resolve(host);
  } catch (e) {
    return {
      id: 'P9',
      name: 'DNS',
      status: 'warn',
      observed: `${host} does not resolve (${(e as { code?: string }).code ?? (e as Error).message})`,
      required,
      fix: `add "127.0.0.1 <space>.${o.domain}" lines to /etc/hosts for each space, or allow ${o.domain} in your DNS`,
    };
  }
  const ok = addrs.some((a) => a === '127.0.0.1' || a === '::1');
  return {
    id: 'P9',
    name: 'DNS',
    status: ok ? 'pass' : 'warn',
    observed: `${host} -> ${addrs.join(', ') || 'nothing'}`,
    required,
    fix: ok ? undefined : `add "127.0.0.1 <space>.${o.domain}" lines to /etc/hosts for each space`,
  };
}

function kubeconfigCheck(path: string): CheckResult {
  const required = `${path} writable`;
  let target = path;
  while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
  try {
    accessSync(target, constants.W_OK);
    return { id: 'P12', name: 'kubeconfig', status: 'pass', observed: `${path} writable`, required };
  } catch {
    return {
      id: 'P12',
      name: 'kubeconfig',
      status: 'fail',
      observed: `${target} is not writable`,
      required,
      fix: 'point $KUBECONFIG at a writable file, or fix the permissions',
    };
  }
}

export function preflightBlocked(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'fail');
}

/** The results as a table (and the fixes below it). */
export function renderPreflight(results: readonly CheckResult[]): string {
  const rows = results.map((r) => [r.status.toUpperCase(), r.id, r.name, r.observed, r.required]);
  const head = ['STATUS', 'ID', 'CHECK', 'OBSERVED', 'REQUIRED'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === cells.length - 1
          ? c
          : c.length > widths[i]
            ? c.slice(0, widths[i] - 1) + '…'
            : c.padEnd(widths[i]),
      )
      .join('  ');
  const lines = [fmt(head), ...rows.map(fmt)];
  const fixes = results.filter((r) => r.fix && r.status !== 'pass');
  if (fixes.length) {
    lines.push('');
    for (const r of fixes)
      lines.push(`${r.status === 'fail' ? 'fix' : 'hint'} ${r.id} (${r.name}): ${r.fix}`);
  }
  return lines.join('\n') + '\n';
}
