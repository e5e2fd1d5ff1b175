/**
 * The 409 an apply gets when it would change fields another manager owns
 * (apiserver-compat.md §7.2 step 2), worded exactly as upstream words it.
 */
import { ApiError, type Status, type StatusCause } from '../errors.js';
import { managerId, type ManagerRef } from './managers.js';

export interface ApplyConflict {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  /** Upstream's path notation, e.g. `.spec.replicas` or `.spec.template.spec.containers[name="nginx"].image`. */
  field: string;
}

/** `"kubectl-scale" using apps/v1`, `"helm"`, `"ctl" with subresource "status" using v1`. */
export function describeManager(m: ManagerRef): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

export function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0];
    return `Apply failed with 1 conflict: conflict with ${describeManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) {
    const id = managerId(c);
    const list = byManager.get(id);
    if (list) list.push(c);
    else byManager.set(id, [c]);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    const list = byManager.get(id)!;
    lines.push(`conflicts with ${describeManager(list[0])}:`);
    for (const c of list) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export class ApplyConflictError extends ApiError {
  readonly conflicts: ApplyConflict[];

  constructor(conflicts: ApplyConflict[]) {
    const causes: StatusCause[] = conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${describeManager(c)}`,
      field: c.field,
    }));
    super({ code: 409, reason: 'Conflict', message: conflictMessage(conflicts), details: { causes } });
    this.name = 'ApplyConflictError';
    this.conflicts = conflicts;
  }

  toStatus(): Status {
    return structuredClone(this.status);
  }
}
