/**
 * List continue tokens (apiserver-compat.md §8.2). Same envelope as upstream
 * (`{"v":"meta.k8s.io/v1","rv":N,"start":"..."}`, unpadded URL-safe base64), but `start` holds
 * the last key already returned: the next page reads keys strictly after it, at revision `rv`.
 * `rv: -1` is upstream's "inconsistent" token (continue at the latest revision); it is accepted
 * here and left to the caller to interpret.
 */

const VERSION = 'meta.k8s.io/v1';
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function encodeContinue(rev: number, key: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, rv: rev, start: key })).toString('base64url');
}

export function decodeContinue(token: string): { rev: number; key: string } {
  const invalid = (why: string) => new Error(`continue key is not valid: ${why}`);
  if (typeof token !== 'string' || token.length === 0) throw invalid('empty token');
  // Buffer.from(…, 'base64url') silently skips bad characters, so check the alphabet first.
  const body = token.replace(/=+$/, '');
  if (!BASE64URL.test(token) || body.length % 4 === 1) throw invalid('illegal base64 data');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a JSON document');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('not a JSON object');
  }
  const { v, rv, start } = parsed as Record<string, unknown>;
  if (v !== VERSION) throw invalid(`unsupported version ${JSON.stringify(v)}`);
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || (rv <= 0 && rv !== -1)) {
    throw invalid(`incorrect encoded start resourceVersion (version ${VERSION})`);
  }
  if (typeof start !== 'string' || start.length === 0) {
    throw invalid(`encoded start key empty (version ${VERSION})`);
  }
  return { rev: rv, key: start };
}
