/**
 * Patch failures, classified by the HTTP status the server answers with (apiserver-compat.md §6).
 * The messages are detailed for logs; the HTTP layer decides how much of them reaches the client
 * (upstream replies to a failed JSON patch with a generic 422 message).
 */

/** The patch could not be applied to the object (failed `test`, missing path, bad directive) → 422. */
export class PatchApplyError extends Error {
  override readonly name = 'PatchApplyError';
}

/** The patch body is not of the shape its content type requires → 400. */
export class PatchDecodeError extends Error {
  override readonly name = 'PatchDecodeError';
}

/** Too many JSON-patch operations → 413. */
export class PatchTooLargeError extends Error {
  override readonly name = 'PatchTooLargeError';
}
