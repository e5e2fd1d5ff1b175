/**
 * What the kind provider created, kept in KSTELLAR_HOME/kind/state.json: the hosting cluster and
 * its settings, the spaces and the WECs, and which kind clusters kstellar created (only those are
 * deleted by `down`). Kubeconfigs of spaces and clusters live next to it, mode 0600, so nothing
 * depends on the user's kubeconfig or hidden kubeconfig extensions.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fs.js';

export interface HostingRecord {
  /** kind cluster name (default `kubeflex`). */
  name: string;
  port: number;
  domain: string;
  /** True when kstellar created the kind cluster (so `down` deletes it). */
  created: boolean;
}

export interface SpaceEntry {
  name: string;
  type: 'its' | 'wds';
  its?: string;
}

export interface WecEntry {
  name: string;
  its: string;
  labels: Record<string, string>;
  /** True when kstellar created the kind cluster for it. */
  createdCluster: boolean;
  /** For a cluster kstellar did not create: where its kubeconfig came from. */
  kubeconfigSource?: { file?: string; context?: string };
}

export interface KindState {
  version: 1;
  hosting?: HostingRecord;
  spaces: SpaceEntry[];
  wecs: WecEntry[];
}

export interface KindLayout {
  dir: string;
  stateFile: string;
  kubeconfigDir: string;
}

export function kindLayout(home: string): KindLayout {
  const dir = join(home, 'kind');
  return { dir, stateFile: join(dir, 'state.json'), kubeconfigDir: join(dir, 'kubeconfigs') };
}

/** Private kubeconfig file of a cluster or space. */
export function kubeconfigFile(layout: KindLayout, name: string): string {
  return join(layout.kubeconfigDir, `${name}.yaml`);
}

export function emptyState(): KindState {
  return { version: 1, spaces: [], wecs: [] };
}

export function loadKindState(layout: KindLayout): KindState {
  if (!existsSync(layout.stateFile)) return emptyState();
  try {
    const s = JSON.parse(readFileSync(layout.stateFile, 'utf8')) as KindState;
    if (s?.version !== 1) throw new Error('unknown version');
    return { version: 1, hosting: s.hosting, spaces: s.spaces ?? [], wecs: s.wecs ?? [] };
  } catch (e) {
    throw new Error(
      `${layout.stateFile} is unreadable (${(e as Error).message}); remove it or run \`kstellar down\``,
    );
  }
}

export function saveKindState(layout: KindLayout, state: KindState): void {
  writeFileAtomic(layout.stateFile, JSON.stringify(state, null, 2) + '\n', 0o600);
}

export function removeKindState(layout: KindLayout): void {
  rmSync(layout.dir, { recursive: true, force: true });
}

export function upsertSpace(state: KindState, entry: SpaceEntry): void {
  state.spaces = [...state.spaces.filter((s) => s.name !== entry.name), entry];
}

export function upsertWec(state: KindState, entry: WecEntry): void {
  state.wecs = [...state.wecs.filter((w) => w.name !== entry.name), entry];
}
