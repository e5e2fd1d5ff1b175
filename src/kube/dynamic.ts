/**
 * A dynamic client: CRUD, patch (merge, JSON, strategic, server-side apply), status writes and
 * watch for any group/version/resource, with objects as plain JSON. Options are objects, never
 * long runs of positional arguments.
 */
import type { KubeConfigLike as KubeConfig } from './static-kubeconfig.js';
import type { KObject } from '../api/meta.js';
import { RestClient, type RestClientOptions, type Stream } from './rest.js';
import { apiErrorFrom } from './rest.js';
import type { Status } from './errors.js';

/** What the client needs to address a resource. `namespaced` is checked when present. */
export interface ResourceId {
  group: string;
  version: string;
  resource: string;
  namespaced?: boolean;
}

export interface ObjectList<T = KObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface CallOptions {
  signal?: AbortSignal;
}
export interface NamespaceOptions extends CallOptions {
  namespace?: string;
}
export interface WriteOptions extends NamespaceOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** Server-side field validation: `Strict`, `Warn` or `Ignore`. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  subresource?: string;
}
export interface ListOptions extends NamespaceOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

/** `merge` = JSON merge patch, `json` = JSON patch (RFC 6902), `apply` = server-side apply. */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}
export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  force?: boolean;
}
export interface DeleteOptions extends NamespaceOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}
export interface WatchOptions extends Omit<ListOptions, 'limit' | 'continue'> {
  allowWatchBookmarks?: boolean;
  /** Server-side watch duration (s). */
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  /** Cut the stream when nothing (not even a bookmark) arrives for this long (ms). */
  idleTimeoutMs?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = KObject> {
  type: WatchEventType;
  /** The object; a Status for ERROR events. */
  object: T;
}

export class DynamicClient {
  constructor(readonly rest: RestClient) {}

  /** A client for the current context of `kc`. */
  static fromKubeConfig(kc: KubeConfig, options?: RestClientOptions): DynamicClient {
    return new DynamicClient(new RestClient(kc, options));
  }

  /** The URL path of a collection, an object or one of its subresources. */
  path(res: ResourceId, p: { namespace?: string; name?: string; subresource?: string } = {}): string {
    let s = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
    const ns = res.namespaced === false ? undefined : p.namespace;
    if (ns) s += `/namespaces/${encodeURIComponent(ns)}`;
    s += `/${res.resource}`;
    if (p.name !== undefined) {
      if (p.name === '') throw new Error(`empty name for ${res.resource}`);
      s += `/${encodeURIComponent(p.name)}`;
    }
    if (p.subresource) s += `/${p.subresource}`;
    return s;
  }

  get<T = KObject>(res: ResourceId, name: string, o: NamespaceOptions = {}): Promise<T> {
    requireNamespace(res, o.namespace, 'get');
    return this.rest.request({ path: this.path(res, { namespace: o.namespace, name }), signal: o.signal });
  }

  /** One page of a list. See `listAll` for every page. */
  list<T = KObject>(res: ResourceId, o: ListOptions = {}): Promise<ObjectList<T>> {
    return this.rest.request({
      path: this.path(res, { namespace: o.namespace }),
      query: {
        labelSelector: o.labelSelector,
        fieldSelector: o.fieldSelector,
        limit: o.limit,
        continue: o.continue,
        resourceVersion: o.resourceVersion,
        resourceVersionMatch: o.resourceVersionMatch,
      },
      signal: o.signal,
    });
  }

  /** Lists every page (`pageSize` items each, default 500); the resourceVersion is the first page's. */
  async listAll<T = KObject>(
    res: ResourceId,
    o: Omit<ListOptions, 'limit' | 'continue'> & { pageSize?: number } = {},
  ): Promise<ObjectList<T>> {
    const first = await this.list<T>(res, { ...o, limit: o.pageSize ?? 500 });
    const items = first.items ?? [];
    let cont = first.metadata?.continue;
    while (cont) {
      const page = await this.list<T>(res, { ...o, limit: o.pageSize ?? 500, continue: cont });
      for (const it of page.items ?? []) items.push(it);
      cont = page.metadata?.continue;
    }
    return { ...first, items, metadata: { resourceVersion: first.metadata?.resourceVersion } };
  }

  create<T extends KObject = KObject>(res: ResourceId, obj: KObject, o: WriteOptions = {}): Promise<T> {
    const namespace = o.namespace ?? obj.metadata?.namespace;
    requireNamespace(res, namespace, 'create');
    return this.rest.request({
      method: 'POST',
      path: this.path(res, {
        namespace,
        name: o.subresource ? obj.metadata?.name : undefined,
        subresource: o.subresource,
      }),
      query: writeQuery(o),
      body: obj,
      signal: o.signal,
    });
  }

  /** PUT: replaces the object (optimistic concurrency on metadata.resourceVersion if set). */
  update<T extends KObject = KObject>(res: ResourceId, obj: KObject, o: WriteOptions = {}): Promise<T> {
    const { name, namespace } = target(res, obj, o, 'update');
    return this.rest.request({
      method: 'PUT',
      path: this.path(res, { namespace, name, subresource: o.subresource }),
      query: writeQuery(o),
      body: obj,
      signal: o.signal,
    });
  }

  /** PUT to the status subresource. */
  updateStatus<T extends KObject = KObject>(res: ResourceId, obj: KObject, o: WriteOptions = {}): Promise<T> {
    return this.update<T>(res, obj, { ...o, subresource: 'status' });
  }

  patch<T = KObject>(res: ResourceId, name: string, patch: unknown, o: PatchOptions): Promise<T> {
    requireNamespace(res, o.namespace, 'patch');
    if (o.type === 'apply' && !o.fieldManager) throw new Error('server-side apply needs a fieldManager');
    return this.rest.request({
      method: 'PATCH',
      path: this.path(res, { namespace: o.namespace, name, subresource: o.subresource }),
      query: { ...writeQuery(o), force: o.type === 'apply' && o.force ? true : undefined },
      body: patch,
      contentType: PATCH_CONTENT_TYPES[o.type],
      signal: o.signal,
    });
  }

  /** Server-side apply of `obj` (its name and namespace address it). */
  apply<T extends KObject = KObject>(res: ResourceId, obj: KObject, o: ApplyOptions): Promise<T> {
    const { name, namespace } = target(res, obj, o, 'apply');
    return this.patch<T>(res, name, obj, { ...o, namespace, type: 'apply' });
  }

  /** Server-side apply to the status subresource. */
  applyStatus<T extends KObject = KObject>(res: ResourceId, obj: KObject, o: ApplyOptions): Promise<T> {
    return this.apply<T>(res, obj, { ...o, subresource: 'status' });
  }

  /** Deletes; answers the object (still present with finalizers or graceful deletion) or a Status. */
  delete(res: ResourceId, name: string, o: DeleteOptions = {}): Promise<KObject | Status> {
    requireNamespace(res, o.namespace, 'delete');
    const body =
      o.propagationPolicy || o.gracePeriodSeconds !== undefined || o.preconditions
        ? {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            propagationPolicy: o.propagationPolicy,
            gracePeriodSeconds: o.gracePeriodSeconds,
            preconditions: o.preconditions,
          }
        : undefined;
    return this.rest.request({
      method: 'DELETE',
      path: this.path(res, { namespace: o.namespace, name }),
      query: { dryRun: o.dryRun ? 'All' : undefined },
      body,
      signal: o.signal,
    });
  }

  /**
   * Opens a watch. Events go to `onEvent` synchronously in server order; the returned Stream's
   * `done` settles when the server or the network ends it. Non-200 answers throw ApiError.
   */
  watch<T = KObject>(res: ResourceId, o: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Promise<Stream> {
    const path = this.path(res, { namespace: o.namespace });
    return this.rest.stream(
      {
        path,
        query: {
          watch: true,
          labelSelector: o.labelSelector,
          fieldSelector: o.fieldSelector,
          resourceVersion: o.resourceVersion,
          resourceVersionMatch: o.resourceVersionMatch,
          allowWatchBookmarks: o.allowWatchBookmarks,
          timeoutSeconds: o.timeoutSeconds,
          sendInitialEvents: o.sendInitialEvents,
        },
        signal: o.signal,
        idleTimeoutMs: o.idleTimeoutMs,
      },
      (line) => {
        let e: WatchEvent<T>;
        try {
          e = JSON.parse(line);
        } catch {
          throw apiErrorFrom(500, `undecodable watch event: ${line.slice(0, 200)}`, `WATCH ${path}`);
        }
        onEvent(e);
      },
    );
  }
}

function writeQuery(o: WriteOptions): Record<string, string | undefined> {
  return {
    fieldManager: o.fieldManager,
    dryRun: o.dryRun ? 'All' : undefined,
    fieldValidation: o.fieldValidation,
  };
}

function requireNamespace(res: ResourceId, namespace: string | undefined, verb: string): void {
  if (res.namespaced === true && !namespace)
    throw new Error(`${verb} ${res.resource}: a namespace is required for a namespaced resource`);
}

function target(
  res: ResourceId,
  obj: KObject,
  o: NamespaceOptions,
  verb: string,
): { name: string; namespace?: string } {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${verb} ${res.resource}: the object has no metadata.name`);
  const namespace = o.namespace ?? obj.metadata?.namespace;
  requireNamespace(res, namespace, verb);
  return { name, namespace };
}
