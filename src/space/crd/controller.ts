import type { KObject, Printer, ResourceDef, Strategy } from '../types.js';
import type { JSONSchemaProps } from '../schema/types.js';
import { errors, fieldErr, type FieldError } from '../errors.js';
import { compileJsonPath } from '../../util/jsonpath.js';
import { age } from '../humanize.js';
import { validateCRD, defaultCRD } from './validate.js';
import { compareKubeVersions, type Registry } from '../registry.js';
import { nowRfc3339 } from '../objects.js';

/**
 * CustomResourceDefinition lifecycle (apiserver-compat.md §14): names acceptance, Established,
 * serving every served version as a resource-table row, and the cleanup finalizer.
 */

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

type Condition = {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
};

function printerFor(columns: any[] | undefined): Printer | undefined {
  if (!columns || columns.length === 0) return undefined;
  const compiled = columns.map((c) => ({ c, get: safeCompile(c.jsonPath) }));
  return {
    columns: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: 'Name must be unique within a namespace.',
        priority: 0,
      },
      ...columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    row(obj, now) {
      return [
        obj.metadata?.name ?? '',
        ...compiled.map(({ c, get }) => {
          const vals = get ? get(obj) : [];
          if (vals.length === 0) return null;
          const v = vals[0];
          switch (c.type) {
            case 'integer':
              return typeof v === 'number' && Number.isInteger(v) ? v : null;
            case 'number':
              return typeof v === 'number' ? v : null;
            case 'boolean':
              return typeof v === 'boolean' ? v : null;
            case 'date':
              return typeof v === 'string' ? age(v, now) : null;
            default:
              return typeof v === 'string'
                ? v
                : vals.length > 1
                  ? vals.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',')
                  : JSON.stringify(v);
          }
        }),
      ];
    },
  };
}

function safeCompile(path: string): ((o: unknown) => unknown[]) | undefined {
  try {
    return compileJsonPath(path);
  } catch {
    return undefined;
  }
}

function storageVersion(crd: KObject): string | undefined {
  return (crd.spec?.versions ?? []).find((v: any) => v.storage)?.name;
}

function isEstablished(crd: KObject): boolean {
  return (crd.status?.conditions ?? []).some(
    (c: Condition) => c.type === 'Established' && c.status === 'True',
  );
}

/** Resource-table rows for an Established CRD (one per served version). */
export function crdResourceDefs(crd: KObject): ResourceDef[] {
  if (!isEstablished(crd)) return [];
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  return (spec.versions ?? [])
    .filter((v: any) => v.served)
    .sort((a: any, b: any) => compareKubeVersions(a.name, b.name))
    .map((v: any): ResourceDef => {
      const schema: JSONSchemaProps | undefined = v.schema?.openAPIV3Schema;
      const sub = v.subresources ?? {};
      const scale = sub.scale
        ? {
            specReplicasPath: sub.scale.specReplicasPath,
            statusReplicasPath: sub.scale.statusReplicasPath,
            labelSelectorPath: sub.scale.labelSelectorPath,
          }
        : undefined;
      const selectable: Record<string, (o: KObject) => string | undefined> = {};
      for (const f of v.selectableFields ?? []) {
        const get = safeCompile(f.jsonPath);
        if (get)
          selectable[f.jsonPath.replace(/^\./, '')] = (o) => {
            const r = get(o);
            return r.length ? String(r[0]) : undefined;
          };
      }
      return {
        group: spec.group,
        version: v.name,
        resource: names.plural,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        singular: names.singular ?? String(names.kind).toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        shortNames: names.shortNames,
        categories: names.categories,
        verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
        subresources: { status: sub.status !== undefined, scale },
        generation: true,
        schema: schema ? withRootEnvelope(schema) : undefined,
        printer: printerFor(v.additionalPrinterColumns),
        fieldSelectors: selectable,
        crd: { name: crd.metadata!.name!, uid: crd.metadata!.uid },
      };
    });
}

/** apiVersion, kind and metadata are always allowed at the root of a custom resource. */
function withRootEnvelope(schema: JSONSchemaProps): JSONSchemaProps {
  const props = { ...(schema.properties ?? {}) };
  props.apiVersion ??= { type: 'string' };
  props.kind ??= { type: 'string' };
  props.metadata ??= { type: 'object' };
  return { ...schema, properties: props };
}

function setCondition(conds: Condition[], c: Condition, now: string): Condition[] {
  const i = conds.findIndex((x) => x.type === c.type);
  if (i >= 0) {
    const prev = conds[i];
    const same = prev.status === c.status;
    conds[i] = { ...c, lastTransitionTime: same ? (prev.lastTransitionTime ?? now) : now };
  } else conds.push({ ...c, lastTransitionTime: now });
  return conds;
}

/** Which names of `crd` collide with names already accepted by other CRDs of its group. */
function nameConflicts(crd: KObject, others: KObject[]): { reason: string; message: string } | undefined {
  const n = crd.spec?.names ?? {};
  for (const o of others) {
    if (o.metadata?.name === crd.metadata?.name || o.spec?.group !== crd.spec?.group) continue;
    const a = o.status?.acceptedNames ?? {};
    if (n.plural && n.plural === a.plural)
      return { reason: 'PluralConflict', message: `"${n.plural}" is already in use` };
    if (n.singular && n.singular === a.singular)
      return { reason: 'SingularConflict', message: `"${n.singular}" is already in use` };
    for (const s of n.shortNames ?? [])
      if ((a.shortNames ?? []).includes(s))
        return { reason: 'ShortNamesConflict', message: `"${s}" is already in use` };
    if (n.kind && n.kind === a.kind)
      return { reason: 'KindConflict', message: `"${n.kind}" is already in use` };
    if (n.listKind && n.listKind === a.listKind)
      return { reason: 'ListKindConflict', message: `"${n.listKind}" is already in use` };
  }
  return undefined;
}

/**
 * Strategy for the customresourcedefinitions resource. Status is maintained by the server in the
 * same write, so a CRD is Established (and served) by the time its create returns: clients run
 * `kubectl apply -f crd.yaml && kubectl apply -f cr.yaml` back to back.
 */
export function crdStrategy(allCrds: () => KObject[]): Strategy {
  const refreshStatus = (crd: KObject, now: Date) => {
    const ts = nowRfc3339(now);
    const status = (crd.status ??= {});
    let conds: Condition[] = Array.isArray(status.conditions) ? status.conditions : [];
    const conflict = nameConflicts(crd, allCrds());
    const names = crd.spec?.names ?? {};
    if (conflict) {
      conds = setCondition(
        conds,
        { type: 'NamesAccepted', status: 'False', reason: conflict.reason, message: conflict.message },
        ts,
      );
      conds = setCondition(
        conds,
        {
          type: 'Established',
          status: 'False',
          reason: 'NotAccepted',
          message: 'not all names are accepted',
        },
        ts,
      );
    } else {
      status.acceptedNames = {
        plural: names.plural,
        singular: names.singular,
        kind: names.kind,
        listKind: names.listKind,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
      };
      conds = setCondition(
        conds,
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
        ts,
      );
      conds = setCondition(
        conds,
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
        ts,
      );
    }
    status.conditions = conds;
    const sv = storageVersion(crd);
    const stored: string[] = Array.isArray(status.storedVersions) ? status.storedVersions : [];
    if (sv && !stored.includes(sv)) stored.push(sv);
    status.storedVersions = stored;
    if (!status.acceptedNames) status.acceptedNames = { plural: '', kind: '' };
  };
  return {
    prepareCreate(obj, ctx) {
      defaultCRD(obj);
      delete obj.status;
      refreshStatus(obj, ctx.now);
    },
    prepareUpdate(obj, old, ctx) {
      defaultCRD(obj);
      obj.status = structuredClone(old.status ?? {});
      refreshStatus(obj, ctx.now);
    },
    validate(obj, old) {
      const errs: FieldError[] = validateCRD(obj, old);
      return errs;
    },
  };
}

/** The Terminating condition and cleanup finalizer a CRD DELETE adds. */
export function markCrdTerminating(crd: KObject, now: Date): void {
  const md = crd.metadata!;
  const fins: string[] = md.finalizers ?? [];
  if (!md.deletionTimestamp && !fins.includes(CLEANUP_FINALIZER))
    md.finalizers = [...fins, CLEANUP_FINALIZER];
  crd.status ??= {};
  crd.status.conditions = setCondition(
    Array.isArray(crd.status.conditions) ? crd.status.conditions : [],
    {
      type: 'Terminating',
      status: 'True',
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    },
    nowRfc3339(now),
  );
}

export function isTerminating(crd: KObject | undefined): boolean {
  return !!crd?.metadata?.deletionTimestamp;
}

/** 403 for creating a CR while its CRD is being deleted. */
export function createWhileTerminating(def: ResourceDef, name: string) {
  return errors.forbidden(
    def.resource,
    def.group,
    name,
    'create not allowed while custom resource definition is terminating',
  );
}

export { fieldErr };

/** Registry sync: rows of one CRD follow its stored state. */
export function syncCrd(registry: Registry, crd: KObject, deleted: boolean): void {
  const name = crd.metadata?.name;
  if (!name) return;
  registry.replaceCrd(name, deleted ? [] : crdResourceDefs(crd));
}
