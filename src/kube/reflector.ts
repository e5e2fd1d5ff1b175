/**
 * The list-then-watch loop behind informers (client-go's Reflector): list every page, watch
 * from the list's resourceVersion with bookmarks, resume from the last seen resourceVersion when
 * the stream ends or the network fails, and relist only when the server says that version is
 * gone (410). It never gives up: connection refused, a restarted server or a deleted CRD are
 * retried with backoff until the signal aborts.
 */
import pino, { type Logger } from 'pino';
import type { KObject } from '../api/meta.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import type { DynamicClient, ResourceId, WatchEvent } from './dynamic.js';
import type { Stream } from './rest.js';
import { ApiError, isGone, isRetryable, type Status } from './errors.js';

export interface ReflectorHandlers<T> {
  /** The complete current set: after the first list and after every relist. */
  replace(items: T[], resourceVersion: string): void;
  /** One change, in server order. */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
  /** A failure the reflector is recovering from (for logs and metrics). */
  error?(err: unknown): void;
}

export interface ReflectorOptions {
  client: DynamicClient;
  resource: ResourceId;
  /** Only this namespace (default: all). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page (default 500). */
  pageSize?: number;
  /** Reconnect pacing (default 100 ms doubling to 30 s). */
  backoff?: BackoffOptions;
  /** Server-side watch timeout (s); default a random 5–10 min, as client-go spreads reconnects. */
  watchTimeoutSeconds?: number;
  log?: Logger;
}

/** How a watch ended: cleanly after events, cleanly without any, or with a 410. */
type Outcome = 'ended' | 'idle' | 'gone';

export class Reflector<T extends KObject = KObject> {
  /** The resourceVersion the next watch starts from; '' means a list is needed. */
  private rv = '';
  private readonly log: Logger;

  constructor(
    private readonly o: ReflectorOptions,
    private readonly h: ReflectorHandlers<T>,
  ) {
    this.log = o.log ?? pino({ level: 'silent' });
  }

  /** The last resourceVersion seen (from a list, an event or a bookmark). */
  get lastSyncResourceVersion(): string {
    return this.rv;
  }

  /** Runs until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.o.backoff);
    while (!signal.aborted) {
      try {
        if (!this.rv) {
          await this.list(signal);
          backoff.reset();
        }
        const started = Date.now();
        const outcome = await this.watch(signal, () => backoff.reset());
        if (outcome === 'gone') {
          this.log.debug({ resource: this.o.resource.resource }, 'resourceVersion expired; relisting');
          this.rv = '';
        } else if (outcome === 'idle' && Date.now() - started < 1000) {
          // A stream that ends at once without a word: do not spin on a misbehaving server.
          await sleep(backoff.next(), signal);
        }
      } catch (e) {
        if (signal.aborted) break;
        if (isGone(e)) {
          // Expired continue token or watch resourceVersion: start over with a fresh list.
          this.rv = '';
          continue;
        }
        // Network trouble and server overload resume the watch where it was; anything else
        // (403, 404 for a resource that went away, ...) starts over with a list, as client-go does.
        if (!isRetryable(e)) this.rv = '';
        this.h.error?.(e);
        const wait = backoff.next();
        (backoff.attempts > 3 ? this.log.warn : this.log.debug).call(
          this.log,
          { resource: this.o.resource.resource, err: (e as Error)?.message, retryInMs: wait },
          'list/watch failed',
        );
        await sleep(wait, signal);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const list = await this.o.client.listAll<T>(this.o.resource, {
      namespace: this.o.namespace,
      labelSelector: this.o.labelSelector,
      fieldSelector: this.o.fieldSelector,
      pageSize: this.o.pageSize,
      signal,
    });
    // List items carry no apiVersion/kind; watch events do. Make them alike for consumers.
    const kind = list.kind?.endsWith('List') ? list.kind.slice(0, -4) : undefined;
    for (const it of list.items) {
      if (!it.apiVersion && list.apiVersion) it.apiVersion = list.apiVersion;
      if (!it.kind && kind) it.kind = kind;
    }
    const rv = list.metadata?.resourceVersion ?? '';
    this.safely(() => this.h.replace(list.items, rv));
    this.rv = rv;
  }

  private async watch(signal: AbortSignal, established: () => void): Promise<Outcome> {
    const timeout = this.o.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
    let gone = false;
    let seen = 0;
    let stream: Stream | undefined = undefined;
    stream = await this.o.client.watch<T>(
      this.o.resource,
      {
        namespace: this.o.namespace,
        labelSelector: this.o.labelSelector,
        fieldSelector: this.o.fieldSelector,
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: timeout,
        idleTimeoutMs: (timeout + 30) * 1000,
        signal,
      },
      (e: WatchEvent<T>) => {
        if (gone) return;
        seen++;
        const rv = e.object?.metadata?.resourceVersion;
        switch (e.type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED':
            this.safely(() => this.h.event(e.type as 'ADDED', e.object));
            if (rv) this.rv = rv;
            return;
          case 'BOOKMARK':
            if (rv) this.rv = rv;
            return;
          case 'ERROR': {
            const status = e.object as unknown as Status;
            if (status?.code === 410) {
              gone = true;
              stream?.close();
              return;
            }
            // Thrown into the stream, which ends with it; the run loop backs off.
            throw new ApiError(status?.code ?? 500, status, `WATCH ${this.o.resource.resource}`);
          }
        }
      },
    );
    established();
    try {
      if (!gone) await stream.done;
    } finally {
      stream.close();
    }
    return gone ? 'gone' : seen ? 'ended' : 'idle';
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ err: e, resource: this.o.resource.resource }, 'informer handler threw');
      this.h.error?.(e);
    }
  }
}
