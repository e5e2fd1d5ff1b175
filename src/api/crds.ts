/**
 * The CRDs KubeStellar needs, read from `templates/crds/*.yaml` of the installed package.
 * `templates/` sits next to `dist/` in the package and next to `src/` in a checkout, so the
 * directory is found by walking up from this module's own location.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { CONTROL_GROUP } from './constants.js';
import type { KObject } from './meta.js';

/** Absolute path of `templates/crds`, or throws when the package layout is broken. */
export function crdsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // src/api -> root is 2 levels up; dist/src/api -> 3 levels up.
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'templates', 'crds');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`templates/crds not found above ${fileURLToPath(import.meta.url)}`);
}

/** Every CRD of `templates/crds`, in file-name order. */
export function loadCrds(): KObject[] {
  const dir = crdsDir();
  const out: KObject[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const obj = doc.toJS() as KObject | null;
      if (obj && obj.kind === 'CustomResourceDefinition') out.push(obj);
    }
  }
  return out;
}

const groupOf = (crd: KObject): string => crd.spec?.group ?? '';
const pluralOf = (crd: KObject): string => crd.spec?.names?.plural ?? '';

/** CRDs a WDS serves: KubeStellar's control kinds except WorkStatus. */
export function wdsCrds(all: KObject[] = loadCrds()): KObject[] {
  return all.filter((c) => groupOf(c) === CONTROL_GROUP && pluralOf(c) !== 'workstatuses');
}

/** CRDs an ITS (OCM hub) serves: ManagedCluster(Set), ManifestWork and WorkStatus. */
export function itsCrds(all: KObject[] = loadCrds()): KObject[] {
  return all.filter(
    (c) =>
      (groupOf(c) === CONTROL_GROUP && pluralOf(c) === 'workstatuses') ||
      groupOf(c) === 'cluster.open-cluster-management.io' ||
      (groupOf(c) === 'work.open-cluster-management.io' && pluralOf(c) === 'manifestworks'),
  );
}

/** CRDs a WEC needs for the work agent: AppliedManifestWork. */
export function wecCrds(all: KObject[] = loadCrds()): KObject[] {
  return all.filter((c) => pluralOf(c) === 'appliedmanifestworks');
}
