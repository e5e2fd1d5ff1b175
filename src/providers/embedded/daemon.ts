/**
 * `kstellar serve`: the embedded provider's daemon. Holds the pid file, serves the hosting space
 * (the desired state) and runs the supervisor that turns it into running spaces, engines and
 * WECs. Everything it needs to resume lives under KSTELLAR_HOME, so a restart after a crash or a
 * reboot picks up where it left off.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { ensureCrds } from '../../engine/controllers/crds.js';
import { DynamicClient } from '../../kube/dynamic.js';
import { ensureNamespace } from '../../kube/namespaces.js';
import { kubeConfigFromString } from '../../kube/kubeconfig.js';
import { Space } from '../../space/space.js';
import { writeFileAtomic } from '../../util/fs.js';
import { HOSTING_NAMESPACE, hostingCrds } from './hosting-api.js';
import { layoutOf, type Layout } from './layout.js';
import { DaemonRunningError, runningPid, type DaemonInfo } from './pidfile.js';

export { DaemonRunningError, daemonInfo, runningPid, type DaemonInfo } from './pidfile.js';
import { Supervisor } from './supervisor.js';

export interface DaemonOptions {
  home: string;
  log: Logger;
  /** Called once the hosting space serves and the supervisor has synced. */
  onReady?: (info: DaemonInfo) => void;
  simDelayMs?: number;
}

/** Takes the pid file, replacing a stale one; throws DaemonRunningError when another daemon lives. */
function takePidFile(layout: Layout): void {
  mkdirSync(layout.home, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(layout.pidFile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = runningPid(layout);
      if (pid !== undefined && pid !== process.pid) throw new DaemonRunningError(pid);
      rmSync(layout.pidFile, { force: true });
    }
  }
  throw new Error(`cannot create ${layout.pidFile}`);
}

/** Runs the daemon until `signal` aborts. */
export async function runDaemon(o: DaemonOptions, signal: AbortSignal): Promise<void> {
  const layout = layoutOf(o.home);
  takePidFile(layout);
  // A crashed daemon leaves its record behind; clients must not take it for ours.
  rmSync(layout.daemonFile, { force: true });
  let hosting: Space | undefined;
  try {
    mkdirSync(layout.root, { recursive: true });
    const logger = o.log.child({ space: 'hosting' });
    hosting = await Space.start({
      dataDir: layout.hostingDir,
      name: 'kstellar-hosting',
      keepPort: true,
      logger,
    });
    hosting.writeKubeconfig(layout.hostingKubeconfig);
    const client = DynamicClient.fromKubeConfig(kubeConfigFromString(hosting.kubeconfig()));
    await ensureCrds(client, hostingCrds(), o.log, signal);
    await ensureNamespace(client, HOSTING_NAMESPACE);
    const supervisor = new Supervisor({
      hosting: client,
      layout,
      log: o.log,
      identity: `kstellar-${createHash('sha256').update(o.home).digest('hex').slice(0, 8)}`,
      simDelayMs: o.simDelayMs,
    });
    const running = supervisor.start(signal);
    await Promise.race([supervisor.started, running]);
    const info: DaemonInfo = {
      pid: process.pid,
      hostingUrl: hosting.url,
      startedAt: new Date().toISOString(),
    };
    writeFileAtomic(layout.daemonFile, JSON.stringify(info, null, 2) + '\n', 0o600);
    o.log.info(info, 'daemon ready');
    o.onReady?.(info);
    await running;
    client.rest.close();
  } finally {
    await hosting?.close();
    rmSync(layout.daemonFile, { force: true });
    // Only remove the pid file if it is still ours.
    try {
      if (readFileSync(layout.pidFile, 'utf8').trim() === String(process.pid)) rmSync(layout.pidFile);
    } catch {
      /* already gone */
    }
  }
}
