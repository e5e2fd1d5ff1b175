/**
 * Merging kstellar's contexts into the user's kubeconfig the way kind does: one context per space
 * or WEC, named exactly after it, with a cluster and a user entry `kstellar-<name>`. Entries kstellar
 * wrote carry an extension naming the KSTELLAR_HOME that owns them, so kstellar never overwrites or
 * removes a context it did not create. The file is rewritten atomically with mode 0600; everything
 * else in it (other contexts, comments, preferences) is kept as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { writeFileAtomic } from '../util/fs.js';

export const OWNER_EXTENSION = 'kstellar.io/owner';

/** The kubeconfig file to write: first entry of $KUBECONFIG, else ~/.kube/config (as kind does). */
export function kubeconfigTarget(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((f) => f !== '');
  return first ?? join(env.HOME || homedir(), '.kube', 'config');
}

export class KubeconfigConflictError extends Error {}

interface Entry {
  name: string;
  /** Kubeconfig YAML whose current-context holds the server, CA and credentials to copy. */
  kubeconfig: string;
}

type Named = { name: string; [k: string]: unknown };

function load(path: string): Document {
  if (!existsSync(path)) return new Document({ apiVersion: 'v1', kind: 'Config', preferences: {} });
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new KubeconfigConflictError(`${path} is not valid YAML: ${doc.errors[0].message}`);
  if (!isMap(doc.contents)) return new Document({ apiVersion: 'v1', kind: 'Config', preferences: {} });
  return doc;
}

function list(doc: Document, key: 'clusters' | 'users' | 'contexts'): YAMLSeq {
  const v = doc.get(key, true);
  if (isSeq(v)) return v;
  const seq = doc.createNode([]) as YAMLSeq;
  doc.set(key, seq);
  return seq;
}

function indexOf(seq: YAMLSeq, name: string): number {
  return seq.items.findIndex((it) => isMap(it) && (it as YAMLMap).get('name') === name);
}

function ownerOf(seq: YAMLSeq, name: string, inner: 'cluster' | 'user' | 'context'): string | undefined {
  const i = indexOf(seq, name);
  if (i < 0) return undefined;
  const item = (seq.items[i] as YAMLMap).toJSON() as Record<string, Record<string, unknown>>;
  const exts = (item[inner]?.extensions ?? []) as { name?: string; extension?: { home?: string } }[];
  return exts.find((e) => e.name === OWNER_EXTENSION)?.extension?.home ?? '';
}

/** The current-context's cluster, user and context of a kubeconfig text. */
function currentOf(kubeconfig: string): { cluster: Named; user: Named; namespace?: string } {
  const cfg = parseDocument(kubeconfig).toJSON() as Record<string, Named[] | string>;
  const ctxName = cfg['current-context'] as string;
  const ctx = (cfg.contexts as Named[]).find((c) => c.name === ctxName);
  if (!ctx) throw new Error(`kubeconfig has no context "${ctxName}"`);
  const c = ctx.context as { cluster: string; user: string; namespace?: string };
  const cluster = (cfg.clusters as Named[]).find((x) => x.name === c.cluster);
  const user = (cfg.users as Named[]).find((x) => x.name === c.user);
  if (!cluster || !user) throw new Error(`kubeconfig context "${ctxName}" is incomplete`);
  return { cluster, user, namespace: c.namespace };
}

function upsert(seq: YAMLSeq, doc: Document, value: Named): void {
  const i = indexOf(seq, value.name);
  const node = doc.createNode(value);
  if (i < 0) seq.items.push(node);
  else seq.items[i] = node;
}

/**
 * Adds or refreshes one context per entry. Throws KubeconfigConflictError (writing nothing) when a
 * context, cluster or user of that name exists and was not written by this KSTELLAR_HOME.
 */
export function mergeContexts(
  path: string,
  home: string,
  entries: readonly Entry[],
  opts: { setCurrent?: string } = {},
): void {
  const doc = load(path);
  const seqs = {
    clusters: list(doc, 'clusters'),
    users: list(doc, 'users'),
    contexts: list(doc, 'contexts'),
  };
  for (const e of entries) {
    const clashes = [
      ['context', e.name, ownerOf(seqs.contexts, e.name, 'context')],
      ['cluster', `kstellar-${e.name}`, ownerOf(seqs.clusters, `kstellar-${e.name}`, 'cluster')],
      ['user', `kstellar-${e.name}`, ownerOf(seqs.users, `kstellar-${e.name}`, 'user')],
    ].filter(([, , owner]) => owner !== undefined && owner !== home);
    if (clashes.length)
      throw new KubeconfigConflictError(
        `${path} already has a ${clashes[0][0]} named "${clashes[0][1]}" that kstellar did not create`,
      );
  }
  const ext = [{ name: OWNER_EXTENSION, extension: { home } }];
  for (const e of entries) {
    const src = currentOf(e.kubeconfig);
    const id = `kstellar-${e.name}`;
    upsert(seqs.clusters, doc, {
      name: id,
      cluster: { ...(src.cluster.cluster as object), extensions: ext },
    });
    upsert(seqs.users, doc, { name: id, user: { ...(src.user.user as object), extensions: ext } });
    const context: Record<string, unknown> = { cluster: id, user: id, extensions: ext };
    if (src.namespace) context.namespace = src.namespace;
    upsert(seqs.contexts, doc, { name: e.name, context });
  }
  if (opts.setCurrent) doc.set('current-context', opts.setCurrent);
  writeFileAtomic(path, doc.toString(), 0o600);
}

/** Removes the contexts (and their cluster/user) this KSTELLAR_HOME wrote; returns the names removed. */
export function removeContexts(path: string, home: string, names?: readonly string[]): string[] {
  if (!existsSync(path)) return [];
  const doc = load(path);
  const seqs = {
    clusters: list(doc, 'clusters'),
    users: list(doc, 'users'),
    contexts: list(doc, 'contexts'),
  };
  const ours = ownedContexts(path, home).filter((n) => !names || names.includes(n));
  if (!ours.length) return [];
  const drop = (seq: YAMLSeq, name: string) => {
    const i = indexOf(seq, name);
    if (i >= 0) seq.items.splice(i, 1);
  };
  for (const n of ours) {
    drop(seqs.contexts, n);
    if (ownerOf(seqs.clusters, `kstellar-${n}`, 'cluster') === home) drop(seqs.clusters, `kstellar-${n}`);
    if (ownerOf(seqs.users, `kstellar-${n}`, 'user') === home) drop(seqs.users, `kstellar-${n}`);
  }
  if (ours.includes(String(doc.get('current-context') ?? ''))) doc.set('current-context', '');
  writeFileAtomic(path, doc.toString(), 0o600);
  return ours;
}

/** Names of the contexts this KSTELLAR_HOME wrote into the file. */
export function ownedContexts(path: string, home: string): string[] {
  if (!existsSync(path)) return [];
  const seq = list(load(path), 'contexts');
  return seq.items
    .map((it) => (isMap(it) ? String((it as YAMLMap).get('name')) : ''))
    .filter((n) => n && ownerOf(seq, n, 'context') === home);
}

/** Sets current-context; throws when the file has no such context. */
export function useContext(path: string, name: string): void {
  const doc = load(path);
  const names = list(doc, 'contexts').items.map((it) =>
    isMap(it) ? String((it as YAMLMap).get('name')) : '',
  );
  if (!names.includes(name))
    throw new KubeconfigConflictError(
      `${path} has no context "${name}"; available: ${names.filter(Boolean).join(', ') || '(none)'}`,
    );
  doc.set('current-context', name);
  writeFileAtomic(path, doc.toString(), 0o600);
}
