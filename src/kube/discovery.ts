/**
 * API discovery: which group/version/resources a server serves, and notice when that set
 * changes. Uses aggregated discovery (two requests) and falls back to the legacy per-version
 * documents for servers without it.
 */
import pino, { type Logger } from 'pino';
import { CUSTOM_RESOURCE_DEFINITION } from '../api/gvr.js';
import type { KObject } from '../api/meta.js';
import type { DynamicClient } from './dynamic.js';
import { Reflector } from './reflector.js';
import { isRetryable } from './errors.js';
import { Backoff, sleep } from './backoff.js';

/** One served resource (subresources are not listed). */
export interface ApiResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  singularName?: string;
  shortNames?: string[];
  categories?: string[];
  /** This version is the group's preferred one. */
  preferred: boolean;
}

export interface DiscoverOptions {
  /** Every served version of each group, not only the preferred one (default false). */
  allVersions?: boolean;
  signal?: AbortSignal;
}

const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

/** `group/version/resource` ('' group shown as `core`), a stable identity for maps and logs. */
export function gvrKey(r: { group: string; version: string; resource: string }): string {
  return `${r.group || 'core'}/${r.version}/${r.resource}`;
}

/**
 * Lists served resources, by default in each group's preferred version only (one entry per
 * group/resource, like client-go's ServerPreferredResources).
 */
export async function discoverResources(
  client: DynamicClient,
  o: DiscoverOptions = {},
): Promise<ApiResource[]> {
  const [core, groups] = await Promise.all(
    ['/api', '/apis'].map((path) => client.rest.request({ path, accept: AGGREGATED, signal: o.signal })),
  );
  const out =
    core?.kind === 'APIGroupDiscoveryList' && groups?.kind === 'APIGroupDiscoveryList'
      ? [...fromAggregated(core), ...fromAggregated(groups)]
      : await legacy(client, core, groups, o.signal);
  return o.allVersions ? out : out.filter((r) => r.preferred);
}

function fromAggregated(doc: any): ApiResource[] {
  const out: ApiResource[] = [];
  for (const g of doc.items ?? []) {
    const group: string = g.metadata?.name ?? '';
    // Versions are listed in preference order.
    (g.versions ?? []).forEach((v: any, i: number) => {
      for (const r of v.resources ?? [])
        out.push({
          group,
          version: v.version,
          resource: r.resource,
          kind: r.responseKind?.kind ?? '',
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs ?? [],
          singularName: r.singularResource || undefined,
          shortNames: r.shortNames,
          categories: r.categories,
          preferred: i === 0,
        });
    });
  }
  return out;
}

async function legacy(
  client: DynamicClient,
  core: any,
  groups: any,
  signal?: AbortSignal,
): Promise<ApiResource[]> {
  const wanted: Array<{ group: string; version: string; preferred: boolean }> = [];
  (core?.versions ?? ['v1']).forEach((v: string, i: number) =>
    wanted.push({ group: '', version: v, preferred: i === 0 }),
  );
  for (const g of groups?.groups ?? [])
    for (const v of g.versions ?? [])
      wanted.push({
        group: g.name,
        version: v.version,
        preferred: v.version === g.preferredVersion?.version,
      });
  const lists = await Promise.all(
    wanted.map((w) =>
      client.rest.request({ path: w.group ? `/apis/${w.group}/${w.version}` : `/api/${w.version}`, signal }),
    ),
  );
  const out: ApiResource[] = [];
  lists.forEach((list, i) => {
    for (const r of list?.resources ?? []) {
      if (r.name.includes('/')) continue;
      out.push({
        group: wanted[i].group,
        version: wanted[i].version,
        resource: r.name,
        kind: r.kind,
        namespaced: !!r.namespaced,
        verbs: r.verbs ?? [],
        singularName: r.singularName || undefined,
        shortNames: r.shortNames,
        categories: r.categories,
        preferred: wanted[i].preferred,
      });
    }
  });
  return out;
}

export interface ResourceChange {
  /** The whole current set. */
  resources: ApiResource[];
  added: ApiResource[];
  removed: ApiResource[];
  /** Still served, but with another kind, scope or verbs. */
  changed: ApiResource[];
}

export interface WatchResourcesOptions extends DiscoverOptions {
  /** Called with the initial set, then whenever the set (by GVR, kind or scope) changes. */
  onChange(change: ResourceChange): void;
  /** Coalesces bursts of CRD events (default 200 ms). */
  debounceMs?: number;
  /** Rediscover this often regardless (aggregated APIs come and go without CRDs; default 5 min). */
  resyncMs?: number;
  log?: Logger;
}

/**
 * Tells `onChange` when the set of served resources changes. Triggers: any
 * CustomResourceDefinition event (a CRD becoming Established, changing versions or being deleted)
 * and a periodic resync. Runs until `signal` aborts.
 */
export async function watchResources(
  client: DynamicClient,
  signal: AbortSignal,
  o: WatchResourcesOptions,
): Promise<void> {
  const log = o.log ?? pino({ level: 'silent' });
  let known = new Map<string, ApiResource>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const backoff = new Backoff({ initialMs: 200, maxMs: 30_000 });

  const rediscover = async (): Promise<void> => {
    for (;;) {
      again = false;
      let resources: ApiResource[];
      try {
        resources = await discoverResources(client, { allVersions: o.allVersions, signal });
        backoff.reset();
      } catch (e) {
        if (signal.aborted) return;
        (isRetryable(e) ? log.debug : log.warn).call(log, { err: (e as Error).message }, 'discovery failed');
        await sleep(backoff.next(), signal);
        if (signal.aborted) return;
        continue;
      }
      const next = new Map(resources.map((r) => [gvrKey(r), r]));
      const added = resources.filter((r) => !known.has(gvrKey(r)));
      const removed = [...known.values()].filter((r) => !next.has(gvrKey(r)));
      const changed = resources.filter((r) => {
        const before = known.get(gvrKey(r));
        return before !== undefined && identity(before) !== identity(r);
      });
      const first = known.size === 0;
      known = next;
      if (first || added.length || removed.length || changed.length) {
        try {
          o.onChange({ resources, added, removed, changed });
        } catch (e) {
          log.error({ err: e }, 'resource change handler threw');
        }
      }
      if (!again || signal.aborted) return;
    }
  };
  const trigger = () => {
    if (signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        again = true;
        return;
      }
      running = rediscover().finally(() => (running = undefined));
    }, o.debounceMs ?? 200);
  };

  running = rediscover().finally(() => (running = undefined));
  await running;
  const resync = setInterval(trigger, o.resyncMs ?? 300_000);
  const crds = new Reflector<KObject>(
    { client, resource: CUSTOM_RESOURCE_DEFINITION, log },
    { replace: trigger, event: trigger },
  );
  try {
    await crds.run(signal);
  } finally {
    clearInterval(resync);
    clearTimeout(timer);
    await running;
  }
}

/** What makes two discoveries of one resource differ for consumers. */
function identity(r: ApiResource): string {
  return `${r.kind}|${r.namespaced}|${r.preferred}|${[...r.verbs].sort().join(',')}`;
}
