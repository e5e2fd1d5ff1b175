import type { KObject, Printer, ResourceDef } from './types.js';
import { age } from './humanize.js';

/** meta.k8s.io/v1 Table rendering for `kubectl get` (apiserver-compat.md §8.6). */

const NAME_COL = {
  name: 'Name',
  type: 'string' as const,
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};

const CREATED_AT: Printer = {
  columns: [
    NAME_COL,
    {
      name: 'Created At',
      type: 'date',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
    },
  ],
  row: (o) => [o.metadata?.name ?? '', o.metadata?.creationTimestamp ?? null],
};

const NAME_AGE: Printer = {
  columns: [
    NAME_COL,
    {
      name: 'Age',
      type: 'date',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      priority: 0,
    },
  ],
  row: (o, now) => [o.metadata?.name ?? '', age(o.metadata?.creationTimestamp, now)],
};

export function printerFor(def: ResourceDef): Printer {
  return def.printer ?? (def.crd ? NAME_AGE : CREATED_AT);
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
}

export function toTable(
  def: ResourceDef,
  objects: KObject[],
  opts: {
    include: IncludeObject;
    resourceVersion?: string;
    continueToken?: string;
    remaining?: number;
    now?: Date;
  },
) {
  const printer = printerFor(def);
  const now = opts.now ?? new Date();
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remaining !== undefined) metadata.remainingItemCount = opts.remaining;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({
      description: '',
      priority: 0,
      ...c,
      format: c.format ?? '',
    })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: printer.row(o, now) };
      const obj = rowObject(o, opts.include);
      if (obj !== undefined) row.object = obj;
      return row;
    }),
  };
}

export function toPartial(o: KObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
}
