/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies (apiserver-compat.md §1.2).
 * kubectl's typed clients and helm's release storage send them and never retry with JSON, so the
 * server must understand the kinds they send; every other kind gets a clear 415.
 *
 * Wire format: the magic "k8s\0", then a runtime.Unknown {typeMeta, raw, contentEncoding,
 * contentType} whose `raw` is the object encoded with its k8s.io/api message.
 */
import { convertMessage } from './convert.js';
import { DELETE_OPTIONS, KINDS } from './descriptors.js';
import { ProtobufDecodeError, UnsupportedProtobufKindError, gvkString } from './errors.js';
import { messageDef, messageType } from './schema.js';

export { ProtobufDecodeError, UnsupportedProtobufKindError } from './errors.js';

/** "k8s\0": every Kubernetes protobuf payload starts with it. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface ExpectedKind {
  group: string;
  version: string;
  kind: string;
}

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object as JSON, `apiVersion` and `kind` included. */
  object: Record<string, unknown>;
}

/** Every (apiVersion, kind) with a descriptor; DeleteOptions is accepted under any apiVersion. */
export function supportedProtobufKinds(): Array<{ apiVersion: string; kind: string }> {
  const out: Array<{ apiVersion: string; kind: string }> = [];
  for (const [apiVersion, kinds] of Object.entries(KINDS)) {
    for (const kind of Object.keys(kinds)) out.push({ apiVersion, kind });
  }
  out.push({ apiVersion: '*', kind: DELETE_OPTIONS });
  return out;
}

function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** The descriptor name for (apiVersion, kind), or undefined when unsupported. */
function messageFor(apiVersion: string, kind: string): string | undefined {
  if (kind === DELETE_OPTIONS) return DELETE_OPTIONS;
  // Both names come from the client: look up own keys only ("constructor" is not a kind).
  const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  if (!hasOwn(KINDS, apiVersion) || !hasOwn(KINDS[apiVersion], kind)) return undefined;
  return KINDS[apiVersion][kind];
}

/** Runs a protobufjs decode, turning its RangeErrors into a 400 that names the payload. */
function decodeWith(type: string, bytes: Uint8Array, what: string): Record<string, any> {
  try {
    return messageType(type).decode(bytes) as unknown as Record<string, any>;
  } catch (err) {
    throw new ProtobufDecodeError(`invalid protobuf request body (${what}): ${(err as Error).message}`);
  }
}

/**
 * Decodes a Kubernetes protobuf request body into the JSON object a kube-apiserver would store.
 * `expected` is the kind the request URL addresses: it fills an envelope without type
 * information, and a body of another kind is rejected.
 * @throws UnsupportedProtobufKindError (415) for kinds without descriptors.
 * @throws ProtobufDecodeError (400) for malformed bytes or a kind that does not match `expected`.
 */
export function decodeProtobufObject(buf: Buffer, expected?: ExpectedKind): DecodedObject {
  if (buf.length < PROTOBUF_MAGIC.length || !buf.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw new ProtobufDecodeError(
      'invalid protobuf request body: it does not start with the Kubernetes protobuf prefix "k8s\\x00"',
    );
  }
  const envelope = decodeWith('Unknown', buf.subarray(PROTOBUF_MAGIC.length), 'envelope');
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion || (expected ? apiVersionOf(expected.group, expected.version) : '');
  const kind = typeMeta.kind || expected?.kind || '';
  if (!apiVersion || !kind) {
    throw new ProtobufDecodeError(
      'invalid protobuf request body: the envelope does not name an apiVersion and kind',
    );
  }
  if (envelope.contentEncoding) {
    throw new ProtobufDecodeError(
      `protobuf request bodies with content encoding "${String(envelope.contentEncoding)}" are not supported`,
    );
  }

  const message = messageFor(apiVersion, kind);
  if (!message) throw new UnsupportedProtobufKindError(apiVersion, kind);

  if (expected) {
    const sameKind = kind === expected.kind;
    // DeleteOptions travels under whatever group version the client used; others must match.
    const sameGroupVersion =
      kind === DELETE_OPTIONS || apiVersion === apiVersionOf(expected.group, expected.version);
    if (!sameKind || !sameGroupVersion) {
      throw new ProtobufDecodeError(
        `the protobuf request body holds ${gvkString(apiVersion, kind)}, but this request takes ` +
          gvkString(apiVersionOf(expected.group, expected.version), expected.kind),
      );
    }
  }

  const raw = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array(0);
  const decoded = decodeWith(message, raw, gvkString(apiVersion, kind));
  const object = { apiVersion, kind, ...convertMessage(decoded, messageDef(message)) };
  return { apiVersion, kind, object };
}
