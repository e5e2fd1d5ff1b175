/** Where the embedded provider keeps things under KSTELLAR_HOME. */
import { join } from 'node:path';

export interface Layout {
  home: string;
  /** Everything of the embedded provider. */
  root: string;
  pidFile: string;
  logFile: string;
  /** The daemon's own record: pid, hosting URL, start time (written once it serves). */
  daemonFile: string;
  hostingDir: string;
  hostingKubeconfig: string;
  spaceDir(name: string): string;
  wecDir(name: string): string;
}

export function layoutOf(home: string): Layout {
  const root = join(home, 'embedded');
  return {
    home,
    root,
    pidFile: join(home, 'daemon.pid'),
    logFile: join(home, 'daemon.log'),
    daemonFile: join(root, 'daemon.json'),
    hostingDir: join(root, 'hosting'),
    hostingKubeconfig: join(root, 'hosting.kubeconfig'),
    spaceDir: (name) => join(root, 'spaces', name),
    wecDir: (name) => join(root, 'wecs', name),
  };
}
