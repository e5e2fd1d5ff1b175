import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { CliError, ExitCode } from '../cli/errors.js';
import { table } from '../cli/table.js';
import { discoverResources } from '../kube/discovery.js';
import { installedProvider } from '../providers/index.js';
import { applyPolicy, previewPolicy, waitForPolicy } from '../operations/bind.js';
import { objectText, type DeliveryRow } from '../operations/delivery.js';
import { clientFor, pickWds } from '../operations/installation.js';
import { policyFromFile, policyFromFlags, resolveResources } from '../operations/policy-flags.js';
import { collect, parseDuration, parseOutput, printData, providerContext, usageErrors } from './common.js';

/** `kstellar bind NAME ...`: create or update a BindingPolicy from flags (or a file). */
export function registerBindCommand(program: Command): void {
  program
    .command('bind [name]')
    .description('create or update a BindingPolicy: send the objects it selects to the clusters it selects')
    .option('--wds <name>', 'the WDS (default: the only one)')
    .option(
      '--cluster-selector <selector>',
      'clusters by ManagedCluster labels, kubectl syntax; repeat to OR',
      collect,
      [],
    )
    .option('--object-selector <selector>', 'objects by labels, kubectl syntax; repeat to OR', collect, [])
    .option(
      '--resource <resource>',
      'resource names (deployments, deploy, Deployment, *); repeatable',
      collect,
      [],
    )
    .option('--api-group <group>', 'API group of --resource ("core" or "" for the core group)')
    .option('-n, --namespace <ns>', 'namespaces of the objects; repeatable', collect, [])
    .option('--object-name <name>', 'object names; repeatable', collect, [])
    .option(
      '--singleton-status',
      "copy the status from the (single) cluster back into the WDS object's .status",
    )
    .option('--create-only', 'create the objects in the clusters but never update them afterwards')
    .option(
      '-f, --filename <file>',
      'take the BindingPolicy from a YAML/JSON file ("-" for stdin) instead of flags',
    )
    .option('--dry-run', 'print which objects would go to which clusters, changing nothing')
    .option(
      '--wait',
      'return once every selected object is applied (and available) in every selected cluster',
    )
    .option('--timeout <duration>', 'with --wait: how long to wait', '2m')
    .option('-o, --output <format>', 'table, json or yaml')
    .action(async (nameArg: string | undefined, opts, cmd: Command) => {
      const format = parseOutput(opts.output);
      const timeoutMs = parseDuration(opts.timeout);
      const ctx = providerContext(cmd);
      let policy = await usageErrors(() => {
        if (opts.filename) {
          const p = policyFromFile(
            opts.filename,
            opts.filename === '-' ? readFileSync(0, 'utf8') : undefined,
          );
          if (nameArg && nameArg !== p.metadata?.name)
            throw new CliError(
              `NAME "${nameArg}" differs from the file's policy "${p.metadata?.name}"`,
              ExitCode.Usage,
            );
          return p;
        }
        if (!nameArg)
          throw new CliError(
            'give the policy NAME (or -f FILE)',
            ExitCode.Usage,
            'e.g. kstellar bind nginx --cluster-selector location-group=edge --object-selector app=nginx',
          );
        return policyFromFlags({
          name: nameArg,
          clusterSelectors: opts.clusterSelector,
          objectSelectors: opts.objectSelector,
          resources: opts.resource,
          apiGroup: opts.apiGroup,
          namespaces: opts.namespace,
          objectNames: opts.objectName,
          singletonStatus: opts.singletonStatus,
          createOnly: opts.createOnly,
        });
      });
      const provider = await installedProvider(ctx);
      const { wds: wdsRec, its: itsRec } = pickWds(await provider.inventory(), opts.wds);
      const wds = clientFor(wdsRec.kubeconfig!);
      const its = clientFor(itsRec.kubeconfig!);
      const served = await discoverResources(wds);
      if (!opts.filename && opts.resource.length) {
        const resources = await usageErrors(() => resolveResources(opts.resource, served, opts.apiGroup));
        policy = {
          ...policy,
          spec: { ...policy.spec, downsync: [{ ...policy.spec!.downsync![0], resources }] },
        };
      }
      const name = policy.metadata!.name!;

      if (opts.dryRun) {
        const preview = await previewPolicy(wds, its, policy, served);
        if (format !== 'table')
          return printData(format, { policy, clusters: preview.clusters, objects: preview.objects });
        const rows = preview.objects.flatMap((o) =>
          preview.clusters.map((c) => [c, o.kind, o.namespace, o.name]),
        );
        ctx.ui.info(
          `BindingPolicy ${name} would bind ${preview.objects.length} object(s) to ${preview.clusters.length} cluster(s)` +
            (preview.clusters.length ? ` (${preview.clusters.join(', ')})` : '') +
            ' (dry run: nothing changed)',
        );
        if (rows.length) process.stdout.write(table(['CLUSTER', 'KIND', 'NAMESPACE', 'NAME'], rows) + '\n');
        if (ctx.verbose) process.stderr.write(stringify(policy));
        return;
      }

      const result = await applyPolicy(wds, policy);
      ctx.ui.info(`bindingpolicy.control.kubestellar.io/${name} ${result} in ${wdsRec.name}`);
      if (!opts.wait) {
        if (format !== 'table')
          printData(
            format,
            await wds.get(
              {
                group: 'control.kubestellar.io',
                version: 'v1alpha1',
                resource: 'bindingpolicies',
                namespaced: false,
              },
              name,
            ),
          );
        return;
      }
      const step = ctx.ui.step(`Waiting for ${name} to be applied everywhere`);
      const res = await waitForPolicy(wds, its, wdsRec.name, name, served, {
        timeoutMs,
        onProgress: (d, pending) => {
          const done = d.rows.length - pending.length;
          step.update(`${done}/${d.rows.length} (object, cluster) pairs available`);
        },
      });
      const d = res.delivery;
      if (format !== 'table')
        printData(format, {
          policy: name,
          ok: res.ok,
          clusters: d.clusters,
          objects: d.objects.length,
          pending: res.pending,
        });
      if (res.ok) {
        step.succeed(
          `${name}: ${d.objects.length} object(s) available in ${d.clusters.length} cluster(s)` +
            (d.clusters.length ? ` (${d.clusters.join(', ')})` : ''),
        );
        if (!d.objects.length || !d.clusters.length)
          ctx.ui.warn(
            `${name} selects ${d.objects.length} object(s) and ${d.clusters.length} cluster(s): nothing to deliver`,
          );
        return;
      }
      step.fail(`${name}: not everything is available after ${opts.timeout}`);
      if (format === 'table') {
        if (!d.resolved)
          process.stderr.write('the engine has not resolved the policy yet (is the WDS engine running?)\n');
        for (const e of d.errors) process.stderr.write(`policy error: ${e}\n`);
        if (res.pending.length) process.stderr.write(pendingTable(res.pending) + '\n');
      }
      throw new CliError(
        `timed out waiting for BindingPolicy ${name}: ${res.pending.length} of ${d.rows.length} (object, cluster) pair(s) not available`,
        ExitCode.Failed,
        `see \`kstellar status KIND/NAME\` for one object, or raise --timeout`,
      );
    });
}

function pendingTable(rows: DeliveryRow[]): string {
  return table(
    ['CLUSTER', 'OBJECT', 'STATE', 'REASON'],
    rows.map((r) => [r.cluster, objectText(r.object), r.state, r.reason]),
  );
}
