/**
 * BindingPolicies from `kstellar bind` flags or a file. Pure: selectors are parsed and checked
 * here so a typo is reported before anything is sent, with the flag that carried it.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { BindingPolicy, DownsyncPolicyClause } from '../api/control.js';
import type { LabelSelector } from '../api/meta.js';
import { labelKeyProblem, labelValueProblem } from '../engine/binding/labelselector.js';
import { parseSelector } from '../kube/selectors.js';
import type { ApiResource } from '../kube/discovery.js';

export class PolicyInputError extends Error {}

export interface BindFlags {
  name: string;
  clusterSelectors: string[];
  objectSelectors: string[];
  resources: string[];
  apiGroup?: string;
  namespaces: string[];
  objectNames: string[];
  singletonStatus?: boolean;
  createOnly?: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parses one selector flag value, checking keys and values as the API server would. */
export function parseSelectorFlag(flag: string, value: string): LabelSelector {
  let sel: LabelSelector;
  try {
    sel = parseSelector(value);
  } catch (e) {
    throw new PolicyInputError(`${flag} "${value}": ${(e as Error).message}`);
  }
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((r) => r.key)];
  for (const k of keys) {
    const p = labelKeyProblem(k);
    if (p) throw new PolicyInputError(`${flag} "${value}": label key "${k}" ${p}`);
  }
  const values = [
    ...Object.values(sel.matchLabels ?? {}),
    ...(sel.matchExpressions ?? []).flatMap((r) => r.values ?? []),
  ];
  for (const v of values) {
    const p = labelValueProblem(v);
    if (p) throw new PolicyInputError(`${flag} "${value}": label value "${v}" ${p}`);
  }
  return sel;
}

/** `KEY=VALUE` label flags (e.g. `register-wec --label`) to a map. */
export function parseLabelFlags(values: readonly string[], flag = '--label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new PolicyInputError(`${flag} "${v}" must be KEY=VALUE`);
    const key = v.slice(0, i);
    const value = v.slice(i + 1);
    const p = labelKeyProblem(key) ?? labelValueProblem(value);
    if (p) throw new PolicyInputError(`${flag} "${v}": ${p}`);
    out[key] = value;
  }
  return out;
}

/** The BindingPolicy the flags describe: one downsync clause, selectors ORed as in the API. */
export function policyFromFlags(f: BindFlags): BindingPolicy {
  if (!NAME.test(f.name) || f.name.length > 253)
    throw new PolicyInputError(
      `"${f.name}" is not a valid policy name (lower-case letters, digits, '-', '.')`,
    );
  if (!f.clusterSelectors.length)
    throw new PolicyInputError(
      'give at least one --cluster-selector (e.g. --cluster-selector location-group=edge); a policy without one selects no cluster',
    );
  const clause: DownsyncPolicyClause = {};
  if (f.apiGroup !== undefined) clause.apiGroup = f.apiGroup === 'core' ? '' : f.apiGroup;
  if (f.resources.length) clause.resources = f.resources;
  if (f.namespaces.length) clause.namespaces = f.namespaces;
  if (f.objectNames.length) clause.objectNames = f.objectNames;
  if (f.objectSelectors.length)
    clause.objectSelectors = f.objectSelectors.map((s) => parseSelectorFlag('--object-selector', s));
  if (!clause.resources && !clause.namespaces && !clause.objectNames && !clause.objectSelectors)
    throw new PolicyInputError(
      'say which objects to bind: give --object-selector, --resource, --namespace or --object-name',
    );
  if (f.createOnly) clause.createOnly = true;
  if (f.singletonStatus) clause.wantSingletonReportedState = true;
  return {
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'BindingPolicy',
    metadata: { name: f.name },
    spec: {
      clusterSelectors: f.clusterSelectors.map((s) => parseSelectorFlag('--cluster-selector', s)),
      downsync: [clause],
    },
  };
}

/** Reads the one BindingPolicy of a YAML/JSON file (`-` = stdin text given as `text`). */
export function policyFromFile(path: string, text?: string): BindingPolicy {
  let docs;
  try {
    docs = parseAllDocuments(text ?? readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PolicyInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const objs = docs.map((d) => {
    if (d.errors.length) throw new PolicyInputError(`${path} is not valid YAML: ${d.errors[0].message}`);
    return d.toJS() as BindingPolicy | null;
  });
  const policies = objs.filter((o): o is BindingPolicy => !!o);
  if (policies.length !== 1 || policies[0].kind !== 'BindingPolicy')
    throw new PolicyInputError(`${path} must contain exactly one BindingPolicy`);
  const p = policies[0];
  if (p.apiVersion !== 'control.kubestellar.io/v1alpha1')
    throw new PolicyInputError(
      `${path}: apiVersion must be control.kubestellar.io/v1alpha1, not ${p.apiVersion}`,
    );
  if (!p.metadata?.name) throw new PolicyInputError(`${path}: the BindingPolicy has no metadata.name`);
  return p;
}

/**
 * Maps what users type for `--resource` (plural, singular, kind or short name, any case) to the
 * plural resource names a policy holds, using the WDS's discovery. Unknown names are an error that
 * lists close candidates.
 */
export function resolveResources(
  typed: readonly string[],
  served: readonly ApiResource[],
  apiGroup?: string,
): string[] {
  const pool = served.filter(
    (r) => apiGroup === undefined || r.group === (apiGroup === 'core' ? '' : apiGroup),
  );
  return typed.map((t) => {
    if (t === '*') return t;
    const lc = t.toLowerCase();
    const hit = pool.find(
      (r) =>
        r.resource === lc ||
        r.singularName === lc ||
        r.kind.toLowerCase() === lc ||
        (r.shortNames ?? []).includes(lc),
    );
    if (hit) return hit.resource;
    const near = pool
      .map((r) => r.resource)
      .filter((r) => r.startsWith(lc.slice(0, 3)))
      .slice(0, 5);
    throw new PolicyInputError(
      `the WDS serves no resource "${t}"${apiGroup !== undefined ? ` in API group "${apiGroup}"` : ''}` +
        (near.length ? `; did you mean ${near.join(', ')}?` : ''),
    );
  });
}
