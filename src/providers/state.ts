/**
 * The installation record under KSTELLAR_HOME: which provider owns this home and which kubeconfig
 * file its contexts were merged into. Providers keep their own details next to it (the embedded
 * daemon in its hosting space, the kind provider in `kind/state.json`).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import type { ProviderName } from './types.js';

export interface InstallState {
  version: 1;
  provider: ProviderName;
  createdAt: string;
  /** The kubeconfig file kstellar merged its contexts into. */
  kubeconfigPath: string;
}

export const STATE_FILE = 'state.json';

/** KSTELLAR_HOME, default ~/.kstellar. */
export function kstellarHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.KSTELLAR_HOME || join(env.HOME || homedir(), '.kstellar');
}

export function readState(home: string): InstallState | undefined {
  const file = join(home, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as InstallState;
    return s && s.version === 1 ? s : undefined;
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or remove ${home} with \`kstellar down --yes\``);
  }
}

export function writeState(home: string, state: InstallState): void {
  writeFileAtomic(join(home, STATE_FILE), JSON.stringify(state, null, 2) + '\n', 0o600);
}

export function removeState(home: string): void {
  rmSync(join(home, STATE_FILE), { force: true });
}
