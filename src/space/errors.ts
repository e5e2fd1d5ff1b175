/**
 * metav1.Status errors with upstream reasons and messages (apiserver-compat.md §10).
 * Handlers throw ApiError; the HTTP layer serialises `status` as the response body.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>;
  constructor(
    status: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'>,
    headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status };
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

/** `<resource>[.<group>]`, as upstream's qualified resource prints. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  badRequest(message: string): ApiError {
    return new ApiError({ code: 400, reason: 'BadRequest', message });
  },
  unauthorized(message = 'Unauthorized'): ApiError {
    return new ApiError({ code: 401, reason: 'Unauthorized', message });
  },
  forbidden(resource: string, group: string, name: string, why: string, causes?: StatusCause[]): ApiError {
    const qr = qualifiedResource(resource, group);
    const subject = name ? `${qr} "${name}"` : qr;
    return new ApiError({
      code: 403,
      reason: 'Forbidden',
      message: `${subject} is forbidden: ${why}`,
      details: { name: name || undefined, group: group || undefined, kind: resource, causes },
    });
  },
  notFound(resource: string, group: string, name: string): ApiError {
    return new ApiError({
      code: 404,
      reason: 'NotFound',
      message: `${qualifiedResource(resource, group)} "${name}" not found`,
      details: { name, group: group || undefined, kind: resource },
    });
  },
  /** Unknown path or resource. */
  pathNotFound(): ApiError {
    return new ApiError({
      code: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
      details: {},
    });
  },
  methodNotAllowed(verb: string, resource: string, group: string): ApiError {
    return new ApiError({
      code: 405,
      reason: 'MethodNotAllowed',
      message: `the server does not allow this method on the requested resource`,
      details: {
        group: group || undefined,
        kind: resource,
        causes: [{ message: `${verb} is not supported` }],
      },
    });
  },
  notAcceptable(message: string): ApiError {
    return new ApiError({ code: 406, reason: 'NotAcceptable', message });
  },
  alreadyExists(resource: string, group: string, name: string): ApiError {
    return new ApiError({
      code: 409,
      reason: 'AlreadyExists',
      message: `${qualifiedResource(resource, group)} "${name}" already exists`,
      details: { name, group: group || undefined, kind: resource },
    });
  },
  conflict(resource: string, group: string, name: string, why: string): ApiError {
    return new ApiError({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
      details: { name, group: group || undefined, kind: resource },
    });
  },
  staleResourceVersion(resource: string, group: string, name: string): ApiError {
    return errors.conflict(
      resource,
      group,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  },
  gone(message: string): ApiError {
    return new ApiError({ code: 410, reason: 'Expired', message });
  },
  tooLarge(message = 'Request entity too large: limit is 3145728'): ApiError {
    return new ApiError({ code: 413, reason: 'RequestEntityTooLarge', message });
  },
  unsupportedMediaType(message: string): ApiError {
    return new ApiError({ code: 415, reason: 'UnsupportedMediaType', message });
  },
  /** 422 with field causes. `kind` is the Kind (not the resource), as upstream puts it. */
  invalid(kind: string, group: string, name: string, errs: FieldError[]): ApiError {
    const qk = group ? `${kind}.${group}` : kind;
    const list = errs.map(formatFieldError);
    const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    return new ApiError({
      code: 422,
      reason: 'Invalid',
      message: `${qk} "${name}" is invalid: ${body}`,
      details: {
        name,
        group: group || undefined,
        kind,
        causes: errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
      },
    });
  },
  /** 422 with no kind or name: kubectl prints "The request is invalid: …". */
  invalidRequest(message: string, causes?: StatusCause[]): ApiError {
    return new ApiError({ code: 422, reason: 'Invalid', message, details: causes ? { causes } : {} });
  },
  timeout(message: string, causes?: StatusCause[], retryAfterSeconds?: number): ApiError {
    return new ApiError(
      { code: 504, reason: 'Timeout', message, details: { causes, retryAfterSeconds } },
      retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {},
    );
  },
  internal(message: string): ApiError {
    return new ApiError({
      code: 500,
      reason: 'InternalError',
      message: `Internal error occurred: ${message}`,
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Field errors (k8s.io/apimachinery/pkg/util/validation/field), formatted like upstream.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indices, e.g. `spec.template.spec.containers[0].name`. */
  field: string;
  value?: unknown;
  /** Set when the value must not be printed (Required, Forbidden, TooLong…). */
  omitValue?: boolean;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

function printValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The part after `<field>: `, e.g. `Invalid value: "x": must be lowercase`. */
export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  const hideValue =
    e.omitValue ||
    e.type === 'FieldValueRequired' ||
    e.type === 'FieldValueForbidden' ||
    e.type === 'FieldValueTooLong' ||
    e.type === 'InternalError';
  if (!hideValue) s += `: ${printValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

export const fieldErr = {
  required: (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, value: unknown, detail?: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    value,
    detail,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: supported.length
      ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`
      : undefined,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  tooLong: (field: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    detail: `may not be more than ${max} bytes`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field,
    detail: `must have at most ${max} items`,
    value: actual,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    value,
    detail,
  }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
};
