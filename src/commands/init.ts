import type { Command } from 'commander';
import { Option } from 'commander';
import { PROVIDER_NAMES } from '../providers/types.js';
import { makeProvider, parseProviderName, providerForInit } from '../providers/index.js';
import { createUi } from '../cli/ui.js';
import { syncContexts } from '../operations/installation.js';
import { parseDuration, providerContext } from './common.js';

export const QUICKSTART = {
  its: 'its1',
  wds: 'wds1',
  wecs: ['cluster1', 'cluster2'],
};

/** `kstellar init`: start (or resume) the platform; `--quickstart` adds its1, wds1, cluster1 and cluster2. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'start kstellar (or resume a stopped installation); --quickstart also creates its1, wds1, cluster1, cluster2',
    )
    .addOption(new Option('--provider <name>', 'where spaces and WECs run').choices([...PROVIDER_NAMES]))
    .option(
      '--quickstart',
      'create ITS its1, WDS wds1 and WECs cluster1, cluster2 (labelled location-group=edge, name=<wec>)',
    )
    .option('--dry-run', 'print what would be done without doing it')
    .option('--retain', 'keep what a failed step created, for debugging (kind provider)')
    .option('--timeout <duration>', 'how long to wait for each step', '2m')
    .action(async (opts, cmd: Command) => {
      const ctx = providerContext(cmd);
      const timeoutMs = parseDuration(opts.timeout);
      const asked = opts.provider ? parseProviderName(opts.provider) : undefined;
      const { provider, record } = await providerForInit(ctx, asked, {
        dryRun: opts.dryRun,
        retain: opts.retain,
      });
      // The kind provider builds the quickstart as part of its plan; the embedded one step by step here.
      const whole = provider.name === 'kind';
      let changed = (
        await provider.init({ dryRun: opts.dryRun, timeoutMs, quickstart: whole && opts.quickstart })
      ).changed;
      record();
      if (opts.quickstart && !whole) {
        const q = QUICKSTART;
        changed = (await provider.createIts(q.its, { dryRun: opts.dryRun, timeoutMs })).changed || changed;
        // The WDS and the WECs only need the ITS: create them side by side (plain progress lines,
        // as concurrent spinners would overwrite each other).
        const g = cmd.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
        const side = await makeProvider(
          provider.name,
          { ...ctx, ui: createUi({ ...g, plain: true }) },
          {
            dryRun: opts.dryRun,
            retain: opts.retain,
          },
        );
        const outcomes = await Promise.all([
          side.createWds(q.wds, { its: q.its, dryRun: opts.dryRun, timeoutMs }),
          ...q.wecs.map((wec) =>
            side.registerWec(wec, {
              its: q.its,
              labels: { 'location-group': 'edge', name: wec },
              dryRun: opts.dryRun,
              timeoutMs,
            }),
          ),
        ]);
        changed = outcomes.some((o) => o.changed) || changed;
      }
      if (opts.dryRun) return;
      const inv = await provider.inventory();
      const contexts = syncContexts(ctx, inv, opts.quickstart ? QUICKSTART.wds : undefined);
      if (!changed) ctx.ui.info('kstellar is already initialised; nothing changed.');
      if (contexts.length) ctx.ui.info(`Contexts in ${ctx.kubeconfigPath}: ${contexts.join(', ')}`);
      if (opts.quickstart && changed)
        ctx.ui.info(
          `Ready. Try: kubectl --context ${QUICKSTART.wds} create deployment nginx --image=nginx && ` +
            `kstellar bind nginx --cluster-selector location-group=edge --object-selector app=nginx --wait`,
        );
      else if (!opts.quickstart && !inv.spaces.length)
        ctx.ui.info(
          'Next: kstellar create imbs its1 && kstellar create wds wds1 && kstellar register-wec cluster1 --label location-group=edge',
        );
    });
}
