/**
 * The kind provider's files under `templates/kind/`: kind configs, Helm values and manifests with
 * `{{name}}` placeholders. Rendering is plain substitution: every placeholder must have a value and
 * values may not contain characters that would break the YAML around them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KObject } from '../../api/meta.js';

/** Absolute path of `templates/kind` (next to `src/` in a checkout, next to `dist/` when installed). */
export function kindTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates', 'kind');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`templates/kind not found above ${fileURLToPath(import.meta.url)}`);
}

export type Vars = Record<string, string | number>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** A template's text with every placeholder filled in. */
export function renderText(file: string, vars: Vars): string {
  const text = readFileSync(join(kindTemplatesDir(), file), 'utf8');
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!(name in vars)) throw new Error(`templates/kind/${file}: no value for {{${name}}}`);
    const v = String(vars[name]);
    if (/["\\\n\r]/.test(v))
      throw new Error(`templates/kind/${file}: value of {{${name}}} has a quote or newline`);
    return v;
  });
}

/** The objects of a manifest template, in file order. */
export function renderObjects(file: string, vars: Vars): KObject[] {
  const out: KObject[] = [];
  for (const doc of parseAllDocuments(renderText(file, vars))) {
    if (doc.errors.length) throw new Error(`templates/kind/${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS() as KObject | null;
    if (obj) out.push(obj);
  }
  return out;
}
