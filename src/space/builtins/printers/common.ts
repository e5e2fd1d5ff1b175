import type { ColumnDef, KObject, Printer } from '../../types.js';
import { age } from '../../humanize.js';

/**
 * Shared pieces of the built-in Table printers (upstream `pkg/printers/internalversion`,
 * apiserver-compat.md §8.6). The server always renders the wide form; kubectl hides
 * `priority: 1` columns unless `-o wide`. Cell types follow upstream (some string-typed columns
 * carry numbers, as they do there).
 */

export type Type = ColumnDef['type'];

export const col = (name: string, type: Type, description: string, priority = 0): ColumnDef =>
  priority ? { name, type, description, priority } : { name, type, description };

export const NAME: ColumnDef = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
};
export const AGE = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
export const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);
export const SELECTOR = col('Selector', 'string', 'Label selector for pods.', 1);

export const name = (o: KObject): string => o.metadata?.name ?? '';
export const created = (o: KObject, now: Date): string => age(o.metadata?.creationTimestamp, now);
export const int = (x: unknown): number => (typeof x === 'number' ? x : 0);

export function printer(columns: ColumnDef[], row: (o: KObject, now: Date) => unknown[]): Printer {
  return { columns, row };
}

/** Container names and images, comma separated (`layoutContainerCells`). */
export function containerCells(containers: any[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c?.name ?? '').join(','), cs.map((c) => c?.image ?? '').join(',')];
}

export function conditionTrue(conds: any[] | undefined, type: string): boolean {
  const c = (conds ?? []).find((x) => x?.type === type);
  return c?.status === 'True';
}

export function lbIngressText(ingress: any[] | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i?.ip) set.add(i.ip);
    else if (i?.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}
