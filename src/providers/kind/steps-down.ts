/**
 * `down --provider kind` (provisioning spec §5.7, quick teardown): delete the WEC kind clusters and
 * the hosting cluster kstellar created, remove the klusterlet from clusters it only registered,
 * remove its kubeconfig contexts, wait until the host port is free, forget the state. Missing
 * pieces are fine, so it can be re-run at any point.
 */
import { ownedContexts, removeContexts } from '../kubeconfig-merge.js';
import { KindError } from './errors.js';
import { portFree } from './preflight.js';
import { hostingContextOf, type KindRuntime } from './runtime.js';
import { removeKlusterlet } from './steps-wec.js';

const MIN = 60_000;

export interface DownProbes {
  portFree?(port: number): Promise<boolean>;
}

async function deleteKindCluster(k: KindRuntime, name: string, what: string): Promise<void> {
  await k.session.step({
    title: `Delete ${what} kind cluster ${name}`,
    timeoutMs: 3 * MIN,
    waitFor: `kind cluster ${name} gone`,
    observe: async () => ((await k.kindClusters()).includes(name) ? undefined : 'already gone'),
    act: async () => {
      await k.x.run('kind', ['delete', 'cluster', '--name', name, '--kubeconfig', k.kindKubeconfigFile], {
        what: `delete kind cluster ${name}`,
        timeoutMs: 3 * MIN,
      });
    },
    verify: async () => ((await k.kindClusters()).includes(name) ? `${name} still listed` : true),
  });
}

export async function downSteps(k: KindRuntime, probes: DownProbes = {}): Promise<void> {
  const st = k.state;
  for (const w of [...st.wecs].reverse()) {
    if (w.createdCluster) await deleteKindCluster(k, w.name, 'WEC');
    else {
      await k.session.step({
        title: `Remove the klusterlet from ${w.name} (not created by kstellar, kept)`,
        timeoutMs: 3 * MIN,
        observe: async () => (k.readKubeconfig(w.name) ? undefined : 'no kubeconfig recorded; nothing to do'),
        act: async () => {
          try {
            await removeKlusterlet(k, k.kube(w.name));
          } catch (e) {
            k.ctx.ui.warn(`could not remove the klusterlet from ${w.name}: ${(e as Error).message}`);
          }
        },
      });
    }
    k.removeKubeconfigFile(w.name);
  }
  const hosting = st.hosting;
  if (hosting?.created) await deleteKindCluster(k, hosting.name, 'hosting');

  const names = [
    hostingContextOf(k.settings),
    ...st.spaces.map((s) => s.name),
    ...st.wecs.map((w) => w.name),
  ];
  await k.session.step({
    title: 'Remove kstellar contexts from the kubeconfig',
    timeoutMs: MIN,
    observe: async () =>
      ownedContexts(k.ctx.kubeconfigPath, k.ctx.home).some((n) => names.includes(n))
        ? undefined
        : 'none left',
    act: async () => {
      if (k.dryRun)
        k.x.plan.line(
          `remove contexts ${names.join(', ')} (only those kstellar wrote) from ${k.ctx.kubeconfigPath}`,
        );
      else {
        const removed = removeContexts(k.ctx.kubeconfigPath, k.ctx.home, names);
        if (removed.length) k.ctx.ui.verbose(`removed contexts ${removed.join(', ')}`);
      }
    },
  });

  if (hosting?.created) {
    const free = probes.portFree ?? portFree;
    await k.session.step({
      title: `Host port ${hosting.port} released`,
      timeoutMs: MIN,
      waitFor: `127.0.0.1:${hosting.port} bindable`,
      observe: async () => ((await free(hosting.port)) ? 'free' : undefined),
      act: async () => undefined,
      verify: async () => ((await free(hosting.port)) ? true : `port ${hosting.port} still in use`),
      diagnose: async () =>
        new KindError(
          'E-PORT-BUSY',
          `port ${hosting.port} is still in use after the hosting cluster was deleted`,
        ),
    });
  }
}
