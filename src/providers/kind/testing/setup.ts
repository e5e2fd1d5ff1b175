/** Builds a KindProvider wired to a FakeWorld in a fresh KSTELLAR_HOME, for plan tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingUi } from '../../../cli/ui.js';
import { KindProvider, type KindProviderOptions } from '../provider.js';
import { fakeFetcher, FakeWorld } from './fakes.js';

export interface Harness {
  world: FakeWorld;
  provider: KindProvider;
  home: string;
  kubeconfigPath: string;
  ui: ReturnType<typeof recordingUi>;
  out: string[];
  /** Log lines with the home directory and run-dependent durations normalised. */
  norm(lines: string[]): string[];
  /** A new provider on the same home and world (a second CLI invocation). */
  again(opts?: Partial<KindProviderOptions>): KindProvider;
}

export function harness(opts: Partial<KindProviderOptions> = {}, world = new FakeWorld()): Harness {
  const home = mkdtempSync(join(tmpdir(), 'kstellar-kind-'));
  const kubeconfigPath = join(home, 'kube', 'config');
  const ui = recordingUi();
  const out: string[] = [];
  const make = (extra: Partial<KindProviderOptions> = {}) =>
    new KindProvider(
      { home, kubeconfigPath, ui, selfCommand: ['node', 'kstellar'], verbose: true },
      {
        runner: world.runner,
        kube: world.kube,
        fetcher: fakeFetcher({}),
        pollMs: 1,
        out: (t) => out.push(t),
        engineImage: 'kstellar:test',
        preflight: {
          portFree: async () => true,
          resolve: async () => ['127.0.0.1'],
          readSysctl: () => '1048576',
          platform: 'linux',
        },
        ...opts,
        ...extra,
      },
    );
  return {
    world,
    provider: make(),
    home,
    kubeconfigPath,
    ui,
    out,
    norm: (lines) =>
      lines.map((l) =>
        l
          .split(home)
          .join('<home>')
          .replace(/--(wait|timeout) \d+s/g, '--$1 <t>'),
      ),
    again: make,
  };
}
