import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli/errors.js';
import { table } from '../cli/table.js';
import { discoverResources } from '../kube/discovery.js';
import { installedProvider } from '../providers/index.js';
import { objectDelivery, type DeliveryRow, type ObjectRef } from '../operations/delivery.js';
import { clientFor, pickWds } from '../operations/installation.js';
import { resolveResources } from '../operations/policy-flags.js';
import { systemStatus, type SystemStatus } from '../operations/status.js';
import { parseOutput, printData, providerContext, usageErrors, type OutputFormat } from './common.js';

const yesNo = (b: boolean | undefined) => (b === undefined ? '-' : b ? 'yes' : 'no');

/** `kstellar status [KIND/NAME [-n NS]]`: the whole installation, or where one object stands. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status [object]')
    .description(
      'health of spaces, WECs and policies; with KIND/NAME, where that WDS object stands in each cluster',
    )
    .option('--wds <name>', 'the WDS of the object (default: the only one)')
    .option('-n, --namespace <ns>', 'namespace of the object', 'default')
    .option('-o, --output <format>', 'table, json or yaml')
    .option('-w, --watch', 'refresh every 2 s until interrupted')
    .action(async (object: string | undefined, opts, cmd: Command) => {
      const format = parseOutput(opts.output);
      const ctx = providerContext(cmd);
      const provider = await installedProvider(ctx);
      const once = async () => {
        const inv = await provider.inventory();
        if (!object) {
          if (!(await provider.running()))
            throw new CliError(
              `kstellar (${provider.name}) is not running`,
              ExitCode.Precondition,
              'run `kstellar init` to start it again with all its state',
            );
          const s = await systemStatus(inv);
          if (format === 'table') process.stdout.write(renderSystem(s) + '\n');
          else printData(format, s);
          return s.spaces.every((x) => x.ready);
        }
        const { wds: wdsRec, its: itsRec } = pickWds(inv, opts.wds);
        const wds = clientFor(wdsRec.kubeconfig!);
        const its = clientFor(itsRec.kubeconfig!);
        const ref = await objectRef(wds, object, opts.namespace);
        const rows = await objectDelivery(wds, its, wdsRec.name, ref);
        render(format, ref, rows);
        return true;
      };
      if (!opts.watch) {
        await once();
        return;
      }
      for (;;) {
        if (format === 'table' && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        await once();
        await new Promise((r) => setTimeout(r, 2000));
      }
    });
}

async function objectRef(
  wds: ReturnType<typeof clientFor>,
  text: string,
  namespace: string,
): Promise<ObjectRef> {
  const m = /^([^/]+)\/([^/]+)$/.exec(text);
  if (!m)
    throw new CliError(
      `"${text}" is not KIND/NAME`,
      ExitCode.Usage,
      'e.g. kstellar status deployment/nginx -n default',
    );
  const [, typed, name] = m;
  const [resPart, ...groupParts] = typed.split('.');
  const group = groupParts.length ? groupParts.join('.') : undefined;
  const served = await discoverResources(wds);
  const [resource] = await usageErrors(() => resolveResources([resPart], served, group));
  const r = served.find((x) => x.resource === resource && (group === undefined || x.group === group))!;
  return {
    group: r.group,
    version: r.version,
    resource: r.resource,
    kind: r.kind,
    namespace: r.namespaced ? namespace : '',
    name,
  };
}

function render(format: OutputFormat, ref: ObjectRef, rows: DeliveryRow[]): void {
  if (format !== 'table') return printData(format, { object: ref, clusters: rows });
  process.stdout.write(
    table(
      ['CLUSTER', 'BOUND', 'DELIVERED', 'APPLIED', 'AVAILABLE', 'POLICIES', 'REASON'],
      rows.map((r) => [
        r.cluster,
        yesNo(r.bound),
        yesNo(r.delivered),
        yesNo(r.applied),
        yesNo(r.available),
        r.policies.join(','),
        r.reason,
      ]),
    ) + '\n',
  );
}

function renderSystem(s: SystemStatus): string {
  const parts = [
    `PROVIDER: ${s.provider}`,
    '',
    table(
      ['SPACE', 'TYPE', 'ITS', 'READY', 'URL', 'MESSAGE'],
      s.spaces.map((x) => [
        x.name,
        x.type.toUpperCase(),
        x.its ?? '',
        x.ready ? 'True' : 'False',
        x.url,
        x.message,
      ]),
    ),
    '',
    s.wecs.length
      ? table(
          ['WEC', 'ITS', 'JOINED', 'AVAILABLE', 'LAST HEARTBEAT', 'LABELS', 'MESSAGE'],
          s.wecs.map((w) => [
            w.name,
            w.its,
            w.joined ? 'True' : 'False',
            w.available,
            w.lastHeartbeat,
            Object.entries(w.labels)
              .filter(
                ([k]) =>
                  !k.startsWith('cluster.open-cluster-management.io/') &&
                  !k.startsWith('feature.open-cluster-management.io/'),
              )
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
            w.message,
          ]),
        )
      : 'No WECs registered.',
    '',
    s.policies.length
      ? table(
          ['WDS', 'POLICY', 'OBJECTS', 'CLUSTERS', 'RESOLVED', 'ERRORS'],
          s.policies.map((p) => [
            p.wds,
            p.name,
            p.objects,
            p.clusters.join(',') || '0',
            p.resolved ? 'True' : 'False',
            p.errors.join('; '),
          ]),
        )
      : 'No BindingPolicies.',
  ];
  return parts.join('\n');
}
