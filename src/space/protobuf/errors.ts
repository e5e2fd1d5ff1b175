/**
 * Errors of the protobuf request decoder. Both are ApiErrors, so the HTTP layer can let them
 * propagate: client-go shows the message as `Error from server (<reason>): <message>`.
 */
import { ApiError } from '../errors.js';

/** `apps/v1, Kind=Deployment`, or `v1, Kind=Secret` for the core group (GVK notation). */
export function gvkString(apiVersion: string, kind: string): string {
  return `${apiVersion || '<no apiVersion>'}, Kind=${kind || '<no kind>'}`;
}

/**
 * 415: a well-formed protobuf body of a kind this server has no descriptors for. client-go does
 * not fall back to JSON after a 415, so the message tells the user what to do instead.
 */
export class UnsupportedProtobufKindError extends ApiError {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(apiVersion: string, kind: string) {
    super({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: `protobuf request bodies are not supported for ${gvkString(apiVersion, kind)}; send application/json`,
    });
    this.name = 'UnsupportedProtobufKindError';
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

/** 400: the bytes are not a valid Kubernetes protobuf body (or not the kind the URL names). */
export class ProtobufDecodeError extends ApiError {
  constructor(message: string) {
    super({ code: 400, reason: 'BadRequest', message });
    this.name = 'ProtobufDecodeError';
  }
}
