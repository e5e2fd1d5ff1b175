/** The four patch content types of apiserver-compat.md §6, minus apply (server-side apply lives elsewhere). */
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic.js';
export { PatchApplyError, PatchDecodeError, PatchTooLargeError } from './errors.js';
