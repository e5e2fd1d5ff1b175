import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { errors } from '../errors.js';
import { parseMediaType } from './negotiate.js';

/** Upstream's request body limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw errors.tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw errors.tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export type BodyFormat =
  'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const mt = parseMediaType(contentType)?.type;
  switch (mt) {
    case undefined:
    case 'application/json':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
      return 'yaml';
    case 'application/vnd.kubernetes.protobuf':
      return 'protobuf';
    case 'application/json-patch+json':
      return 'json-patch';
    case 'application/merge-patch+json':
      return 'merge-patch';
    case 'application/strategic-merge-patch+json':
      return 'strategic-merge-patch';
    case 'application/apply-patch+yaml':
      return 'apply-patch';
    default:
      return undefined;
  }
}

/** Decode a JSON or YAML body, answering 400 with the parser's complaint. */
export function decodeStructured(buf: Buffer, format: 'json' | 'yaml', what: string): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '') throw errors.badRequest(`${what}: the request body is empty`);
  try {
    if (format === 'json') return JSON.parse(text);
    return parseYaml(text, { uniqueKeys: false });
  } catch (e) {
    throw errors.badRequest(
      `${what}: error decoding ${format === 'json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}
