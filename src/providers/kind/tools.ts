/**
 * Finding kind and helm at tested versions. A tool on PATH within the tested range is used as is;
 * otherwise the pinned release is fetched into KSTELLAR_HOME/bin, checked against its sha256 and
 * used from there. Nothing is installed globally. Downloads go through a Fetcher so tests (and
 * air-gapped users) never touch the network.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fs.js';
import { KindError } from './errors.js';
import type { Runner } from './runner.js';
import { extractFromTarGz } from './tar.js';
import { HELM_PIN, KIND_PIN, KUBECTL_TESTED, type ToolPin } from './versions.js';

export interface Fetcher {
  /** The bytes at `url`; throws with a readable message on any failure. */
  fetch(url: string): Promise<Uint8Array>;
}

/** Downloads over HTTPS with Node's fetch (redirects followed, 5 minute limit). */
export const httpFetcher: Fetcher = {
  async fetch(url) {
    const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(300_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  },
};

/** A parsed `major.minor.patch` (pre-release and build suffixes ignored). */
export type Version = [number, number, number];

export function parseVersion(text: string): Version | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether `v` lies in [min, below). */
export function inRange(v: Version, range: { min: string; below: string }): boolean {
  return (
    compareVersions(v, parseVersion(range.min)!) >= 0 && compareVersions(v, parseVersion(range.below)!) < 0
  );
}

export const formatVersion = (v: Version): string => `v${v.join('.')}`;

export type ToolName = 'kind' | 'helm' | 'kubectl' | 'docker';

/** How each tool reports its version, and where the version sits in the output. */
const VERSION_ARGS: Record<ToolName, string[]> = {
  kind: ['version'],
  helm: ['version', '--template', '{{.Version}}'],
  kubectl: ['version', '--client', '-o', 'json'],
  docker: ['version', '--format', '{{.Client.Version}}'],
};

export interface ToolProbe {
  name: ToolName;
  /** The binary that was probed (a name found on PATH, or an absolute path). */
  path: string;
  found: boolean;
  version?: Version;
  /** Raw output or error, for messages. */
  output: string;
}

/** Runs `<tool> version` and parses the answer. */
export async function probeTool(runner: Runner, name: ToolName, path: string = name): Promise<ToolProbe> {
  const r = await runner.run(path, VERSION_ARGS[name], { timeoutMs: 20_000 });
  if (r.notFound) return { name, path, found: false, output: 'not found' };
  let text = r.stdout;
  if (name === 'kubectl') {
    try {
      text = JSON.parse(r.stdout).clientVersion?.gitVersion ?? '';
    } catch {
      /* fall back to the raw text */
    }
  }
  const version = r.exitCode === 0 ? parseVersion(text) : undefined;
  return {
    name,
    path,
    found: true,
    version,
    output: (r.exitCode === 0 ? text : r.stderr || r.stdout).trim(),
  };
}

export const PINS: Record<'kind' | 'helm', ToolPin> = { kind: KIND_PIN, helm: HELM_PIN };

export function testedRange(name: ToolName): { min: string; below: string } | undefined {
  if (name === 'kind' || name === 'helm') return PINS[name].tested;
  if (name === 'kubectl') return KUBECTL_TESTED;
  return undefined;
}

export interface ResolveOptions {
  runner: Runner;
  fetcher: Fetcher;
  /** KSTELLAR_HOME; pinned tools go to `<home>/bin`. */
  home: string;
  os?: string;
  arch?: string;
  /** Replaces the built-in pins (tests). */
  pins?: Partial<Record<'kind' | 'helm', ToolPin>>;
  /** Called before a download starts. */
  onFetch?(name: string, url: string): void;
}

export interface ResolvedTool {
  name: 'kind' | 'helm';
  path: string;
  version: Version;
  source: 'path' | 'home' | 'fetched';
}

/** Node's platform and arch in the names release assets use. */
export function platformOf(
  os: string = process.platform,
  arch: string = process.arch,
): { os: string; arch: string } {
  return { os: os === 'win32' ? 'windows' : os, arch: arch === 'x64' ? 'amd64' : arch };
}

/**
 * The kind or helm binary to use: PATH if tested, else `<home>/bin/<tool>` if it is the pinned
 * release, else the pinned release fetched now (sha256 checked). Throws E-TOOL with manual install
 * instructions when the download fails.
 */
export async function resolveTool(name: 'kind' | 'helm', o: ResolveOptions): Promise<ResolvedTool> {
  const pin = o.pins?.[name] ?? PINS[name];
  const onPath = await probeTool(o.runner, name);
  if (onPath.version && inRange(onPath.version, pin.tested))
    return { name, path: name, version: onPath.version, source: 'path' };

  const local = join(o.home, 'bin', name);
  if (existsSync(local)) {
    const probe = await probeTool(o.runner, name, local);
    if (probe.version && formatVersion(probe.version) === `v${pin.version}`)
      return { name, path: local, version: probe.version, source: 'home' };
  }

  const { os, arch } = platformOf(o.os, o.arch);
  const key = `${os}-${arch}`;
  const why = onPath.found
    ? `${name} ${onPath.version ? formatVersion(onPath.version) : `(unreadable version: ${onPath.output})`} is outside the tested range ${pin.tested.min} to below ${pin.tested.below}`
    : `${name} is not installed`;
  const manual = `${why}, and kstellar could not fetch the pinned v${pin.version}`;
  const expected = pin.sha256[key];
  if (!expected)
    throw new KindError('E-TOOL', `${manual}: no pinned release for ${key}`, {
      hint: `${pin.manual} and put it on PATH (or at ${local})`,
    });
  const url = pin.url(os, arch);
  o.onFetch?.(name, url);
  let bytes: Uint8Array;
  try {
    bytes = await o.fetcher.fetch(url);
  } catch (e) {
    throw new KindError('E-TOOL', `${manual} from ${url}: ${(e as Error).message}`, {
      hint: `${pin.manual} and put it on PATH (or at ${local}), then run the command again`,
    });
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected)
    throw new KindError('E-TOOL', `${manual}: ${url} has sha256 ${actual}, expected ${expected}`, {
      hint: `the download was corrupted or tampered with; ${pin.manual} by hand and put it on PATH`,
    });
  let binary: Buffer = Buffer.from(bytes);
  if (pin.member) {
    const inner = extractFromTarGz(bytes, pin.member(os, arch));
    if (!inner)
      throw new KindError('E-TOOL', `${manual}: ${url} has no ${pin.member(os, arch)}`, { hint: pin.manual });
    binary = inner;
  }
  mkdirSync(join(o.home, 'bin'), { recursive: true, mode: 0o700 });
  writeFileAtomic(local, binary, 0o755);
  chmodSync(local, 0o755);
  const probe = await probeTool(o.runner, name, local);
  if (!probe.version)
    throw new KindError('E-TOOL', `${manual}: the fetched ${local} does not run (${probe.output})`, {
      hint: pin.manual,
    });
  return { name, path: local, version: probe.version, source: 'fetched' };
}
