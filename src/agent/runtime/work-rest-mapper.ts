/**
 * The WEC's REST mapping for the work agent: which resource (and scope) serves a manifest's
 * apiVersion/kind. Kept current by watching CRDs (kubeDiscovery's watchResources), and refreshed on
 * demand when a manifest names a kind it does not know yet (a CRD established a moment ago).
 */
import type { Logger } from 'pino';
import { parseApiVersion } from '../../api/meta.js';
import {
  discoverResources,
  watchResources,
  type ApiResource,
  type ResourceChange,
} from '../../kube/discovery.js';
import type { DynamicClient } from '../../kube/dynamic.js';
import type { ResolvedResource } from '../manifestwork/identity.js';

export interface WorkRestMapperOptions {
  client: DynamicClient;
  log: Logger;
  /** Two on-demand discoveries are at least this far apart (default 300 ms). */
  minRefreshMs?: number;
}

export class WorkRestMapper {
  private byKind = new Map<string, ApiResource>();
  private byResource = new Map<string, ApiResource[]>();
  private refreshing?: Promise<void>;
  private lastRefresh = 0;
  private syncedResolve!: () => void;
  private readonly syncedPromise = new Promise<void>((r) => (this.syncedResolve = r));

  constructor(private readonly o: WorkRestMapperOptions) {}

  /** Resolves once the first discovery has been stored. */
  synced(): Promise<void> {
    return this.syncedPromise;
  }

  /** The ResourceResolver of planWork: undefined when the kind is not served. */
  readonly resolve = (apiVersion: string, kind: string): ResolvedResource | undefined => {
    const { group, version } = parseApiVersion(apiVersion);
    const r = this.byKind.get(`${group}/${version}/${kind}`);
    return r && { resource: r.resource, namespaced: r.namespaced };
  };

  /** A served resource by group/resource, preferring `version`; undefined when none is served. */
  resourceInfo(group: string, version: string, resource: string): ApiResource | undefined {
    const all = this.byResource.get(`${group}/${resource}`);
    return all?.find((r) => r.version === version) ?? all?.[0];
  }

  /** Rediscovers now (coalesced with a discovery in flight, and spaced by `minRefreshMs`). */
  refresh(signal?: AbortSignal): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const wait = Math.max(0, this.lastRefresh + (this.o.minRefreshMs ?? 300) - Date.now());
    this.refreshing = (async () => {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      try {
        this.store(await discoverResources(this.o.client, { allVersions: true, signal }));
      } catch (e) {
        this.o.log.debug({ err: (e as Error).message }, 'discovery refresh failed');
      } finally {
        this.lastRefresh = Date.now();
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Follows CRD changes until `signal` aborts; `onChange` hears of every change after the first. */
  async run(signal: AbortSignal, onChange: (c: ResourceChange) => void): Promise<void> {
    let first = true;
    await watchResources(this.o.client, signal, {
      allVersions: true,
      log: this.o.log,
      onChange: (c) => {
        this.store(c.resources);
        if (first) first = false;
        else onChange(c);
      },
    });
  }

  private store(resources: ApiResource[]): void {
    const byKind = new Map<string, ApiResource>();
    const byResource = new Map<string, ApiResource[]>();
    for (const r of resources) {
      byKind.set(`${r.group}/${r.version}/${r.kind}`, r);
      const k = `${r.group}/${r.resource}`;
      const list = byResource.get(k) ?? [];
      // Preferred version first.
      if (r.preferred) list.unshift(r);
      else list.push(r);
      byResource.set(k, list);
    }
    this.byKind = byKind;
    this.byResource = byResource;
    this.syncedResolve();
  }
}
