/**
 * The `--dry-run` transcript: every step in order with the exact commands (and what they read on
 * stdin: kind configs, Helm values), the manifests applied and the waits, rendered as text.
 * Secret data is never printed.
 */
import { stringify } from 'yaml';
import type { KObject } from '../../api/meta.js';

interface PlanStep {
  title: string;
  lines: string[];
}

export class Plan {
  private readonly steps: PlanStep[] = [];

  begin(title: string): void {
    this.steps.push({ title, lines: [] });
  }

  private get current(): PlanStep {
    if (!this.steps.length) this.begin('(setup)');
    return this.steps[this.steps.length - 1];
  }

  line(text: string): void {
    this.current.lines.push(text);
  }

  /** A labelled multi-line block (stdin, manifests). */
  block(label: string, body: string): void {
    this.current.lines.push(`${label}:`);
    for (const l of body.replace(/\n+$/, '').split('\n')) this.current.lines.push(`  ${l}`);
  }

  /** Objects as they would be applied, secret values redacted. */
  objects(label: string, objs: readonly KObject[]): void {
    this.block(label, objs.map((o) => stringify(redact(o)).trimEnd()).join('\n---\n'));
  }

  get size(): number {
    return this.steps.length;
  }

  titles(): string[] {
    return this.steps.map((s) => s.title);
  }

  render(heading: string): string {
    const out = [heading, ''];
    this.steps.forEach((s, i) => {
      out.push(`${i + 1}. ${s.title}`);
      for (const l of s.lines) out.push(`   ${l}`);
    });
    return out.join('\n') + '\n';
  }
}

/** A copy of `obj` whose Secret data are replaced by their sizes. */
export function redact(obj: KObject): KObject {
  if (obj.kind !== 'Secret') return obj;
  const copy = structuredClone(obj) as KObject & {
    data?: Record<string, string>;
    stringData?: Record<string, string>;
  };
  for (const key of ['data', 'stringData'] as const) {
    const d = copy[key];
    if (!d) continue;
    for (const k of Object.keys(d))
      d[k] = `<redacted, ${Buffer.byteLength(d[k], key === 'data' ? 'base64' : 'utf8')} bytes>`;
  }
  return copy;
}
