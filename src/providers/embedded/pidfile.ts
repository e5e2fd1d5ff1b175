/**
 * The daemon's pid file and record, read by clients without loading the daemon itself.
 */
import { readFileSync } from 'node:fs';
import type { Layout } from './layout.js';

export interface DaemonInfo {
  pid: number;
  hostingUrl: string;
  startedAt: string;
}

export class DaemonRunningError extends Error {
  constructor(readonly pid: number) {
    super(`a kstellar daemon is already running for this KSTELLAR_HOME (pid ${pid})`);
  }
}

/** The record of the daemon that is serving now (undefined while it starts). */
export function daemonInfo(layout: Layout): DaemonInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(layout.daemonFile, 'utf8')) as DaemonInfo;
    return info.pid === runningPid(layout) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The pid recorded in the pid file, if that process is alive. */
export function runningPid(layout: Layout): number | undefined {
  let text: string;
  try {
    text = readFileSync(layout.pidFile, 'utf8');
  } catch {
    return undefined; // none, or removed by a daemon exiting right now
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    // A killed process nobody has reaped yet still answers signal 0.
    return isZombie(pid) ? undefined : pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false; // no procfs (macOS): trust signal 0
  }
}
