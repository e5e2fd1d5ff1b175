/**
 * Multi-WEC status aggregation (kubestellar-semantics.md §4.6). For apps Deployment, ReplicaSet
 * and DaemonSet the numeric fields follow upstream exactly (minimum, or maximum for "bad"
 * counters; 0 when no WEC has the field). [IMPROVE] Conditions of every kind are merged
 * three-valued as documented (any False -> False, all True -> True, else Unknown; time, reason
 * and message from the newest), and other kinds — upstream writes nothing for them — get the
 * documented generic merge: numbers minimum (bad counters maximum), booleans AND, maps merged
 * key by key, anything else kept only when every WEC agrees.
 */

type Json = Record<string, unknown>;

const BASELINE: Record<string, { min: string[]; max: string[] }> = {
  Deployment: {
    min: ['replicas', 'updatedReplicas', 'availableReplicas', 'readyReplicas', 'observedGeneration'],
    max: ['unavailableReplicas'],
  },
  ReplicaSet: {
    min: ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
    max: [],
  },
  DaemonSet: {
    min: [
      'currentNumberScheduled',
      'desiredNumberScheduled',
      'numberReady',
      'observedGeneration',
      'updatedNumberScheduled',
      'numberAvailable',
    ],
    max: ['numberMisscheduled'],
  },
};

/** Counters where more is worse: the aggregate takes the maximum. */
const BAD_COUNTERS = new Set([
  'unavailableReplicas',
  'numberUnavailable',
  'numberMisscheduled',
  'failed',
  'collisionCount',
]);

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function extreme(statuses: readonly Json[], field: string, pick: (a: number, b: number) => number): number {
  const vals = statuses.map((s) => s[field]).filter(isInt);
  return vals.length ? vals.reduce((a, b) => pick(a, b)) : 0;
}

interface Cond {
  type: string;
  status?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  [k: string]: unknown;
}

const isCondList = (v: unknown): v is Cond[] =>
  Array.isArray(v) && v.every((c) => isObj(c) && typeof c.type === 'string');

/** Three-valued merge of condition lists, one entry per type, in order of first appearance. */
export function mergeConditions(lists: readonly (readonly Cond[] | undefined)[]): Cond[] {
  const types: string[] = [];
  for (const l of lists) for (const c of l ?? []) if (!types.includes(c.type)) types.push(c.type);
  return types.map((type) => {
    const found = lists.map((l) => (l ?? []).find((c) => c.type === type));
    const present = found.filter((c): c is Cond => !!c);
    const status = present.some((c) => c.status === 'False')
      ? 'False'
      : present.length === lists.length && present.every((c) => c.status === 'True')
        ? 'True'
        : 'Unknown';
    const newest = present.reduce((a, b) =>
      (b.lastTransitionTime ?? '') > (a.lastTransitionTime ?? '') ? b : a,
    );
    const out: Cond = { ...newest, type, status };
    return out;
  });
}

function mergeValues(values: readonly unknown[], field: string): unknown {
  if (!values.length) return undefined;
  if (values.every(isInt) || values.every((v) => typeof v === 'number')) {
    const nums = values as number[];
    return BAD_COUNTERS.has(field) ? Math.max(...nums) : Math.min(...nums);
  }
  if (values.every((v) => typeof v === 'boolean')) return values.every(Boolean);
  if (field === 'conditions' && values.every(isCondList)) return mergeConditions(values as Cond[][]);
  if (values.every(isObj)) return mergeMaps(values as Json[]);
  const first = JSON.stringify(values[0]);
  return values.every((v) => JSON.stringify(v) === first) ? values[0] : undefined;
}

function mergeMaps(maps: readonly Json[]): Json {
  const out: Json = {};
  const keys: string[] = [];
  for (const m of maps) for (const k of Object.keys(m)) if (!keys.includes(k)) keys.push(k);
  for (const k of keys) {
    const v = mergeValues(
      maps.filter((m) => Object.hasOwn(m, k) && m[k] !== null).map((m) => m[k]),
      k,
    );
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Aggregates the statuses of one object from several WECs (given in a stable order). */
export function aggregateStatuses(group: string, kind: string, statuses: readonly Json[]): Json {
  const baseline = group === 'apps' ? BASELINE[kind] : undefined;
  if (!baseline) return mergeMaps(statuses);
  const out: Json = {};
  for (const f of baseline.min) out[f] = extreme(statuses, f, Math.min);
  for (const f of baseline.max) out[f] = extreme(statuses, f, Math.max);
  if (kind !== 'DaemonSet') {
    const lists = statuses.map((s) => (isCondList(s.conditions) ? s.conditions : []));
    out.conditions = lists.some((l) => l.length) ? mergeConditions(lists) : [];
  }
  return out;
}
