/**
 * Server-side apply and managedFields bookkeeping (apiserver-compat.md §7), as pure functions.
 *
 *  - `serverSideApply` merges an apply body into the live object and updates managedFields,
 *    throwing `ApplyConflictError` (409) on conflicts;
 *  - `validateApplyBody` rejects bodies upstream rejects (400 / 500);
 *  - `trackUpdate` records a non-apply write (POST, PUT, non-apply PATCH) as an Update entry.
 */
export { serverSideApply, type ServerSideApplyParams } from './apply.js';
export { ApplyConflictError, conflictMessage, describeManager, type ApplyConflict } from './conflicts.js';
export {
  ApplyBodyError,
  ApplyUndeclaredFieldError,
  gvkString,
  validateApplyBody,
  type ApplyKindInfo,
} from './validate.js';
export { trackUpdate, recordChanges, type TrackUpdateParams } from './update.js';
export { compareValues, type Comparison } from './compare.js';
export { fromFieldsV1, pathString, toFieldsV1, type FieldSet, type Path } from './fieldpath.js';
export {
  decodeManagers,
  encodeManagers,
  managerId,
  type ManagedFieldsEntry,
  type ManagerState,
  type Managers,
} from './managers.js';
export { LAST_APPLIED_ANNOTATION, goJson } from './last-applied.js';
export { objectFieldSet } from './typed.js';
