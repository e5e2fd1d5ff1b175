/**
 * Errors of the Kubernetes client layer. The rest of the project classifies failures with the
 * predicates below and never inspects HTTP codes itself.
 */

/** metav1.Status as the API server sends it with a failed request. */
export interface Status {
  kind?: 'Status';
  apiVersion?: string;
  status?: 'Success' | 'Failure' | string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

/** A request the API server answered with a non-2xx code (or an ERROR watch event). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status code (the Status' `code` for watch ERROR events). */
    readonly code: number,
    /** The Status body when the server sent one. */
    readonly status: Status | undefined,
    /** `METHOD path` of the failed request, for messages. */
    readonly request?: string,
  ) {
    const what = status?.message || status?.reason || `HTTP ${code}`;
    super(request ? `${request}: ${code} ${what}` : `${code} ${what}`);
  }

  get reason(): string | undefined {
    return this.status?.reason;
  }
}

/** A kubeconfig that cannot be used (missing file, unknown context, no cluster or user). */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

const codeOf = (e: unknown): number | undefined => (e instanceof ApiError ? e.code : undefined);

export const isNotFound = (e: unknown): boolean => codeOf(e) === 404;
/** 409 for a stale resourceVersion or an apply conflict (not AlreadyExists, see below). */
export const isConflict = (e: unknown): boolean =>
  codeOf(e) === 409 && (e as ApiError).reason !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown): boolean =>
  codeOf(e) === 409 && (e as ApiError).reason === 'AlreadyExists';
/** 410: a resourceVersion or continue token fell out of the server's history. */
export const isGone = (e: unknown): boolean => codeOf(e) === 410;
export const isInvalid = (e: unknown): boolean => codeOf(e) === 422;
export const isForbidden = (e: unknown): boolean => codeOf(e) === 403;
export const isUnauthorized = (e: unknown): boolean => codeOf(e) === 401;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** A transport failure (refused, reset, timed out): the request may not have reached the server. */
export function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** Worth retrying as is: network failures, throttling and server-side trouble. */
export function isRetryable(e: unknown): boolean {
  if (isNetworkError(e)) return true;
  const code = codeOf(e);
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}

/** Returns undefined for a 404 and rethrows anything else (for "get if present"). */
export function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  return p.catch((e) => {
    if (isNotFound(e)) return undefined;
    throw e;
  });
}
