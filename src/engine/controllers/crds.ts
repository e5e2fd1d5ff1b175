/**
 * Installs the CRDs a space needs for the engine when they are missing, then waits until each
 * one serves (a fresh CRD is listed a moment after it is created).
 */
import type { Logger } from 'pino';
import { CUSTOM_RESOURCE_DEFINITION } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import { sleep } from '../../kube/backoff.js';
import type { DynamicClient } from '../../kube/dynamic.js';
import { isNotFound } from '../../kube/errors.js';

export const ENGINE_FIELD_MANAGER = 'kstellar-engine';

/** Creates (server-side apply) every CRD of `crds` that `client`'s space lacks; existing ones are left alone. */
export async function ensureCrds(
  client: DynamicClient,
  crds: readonly KObject[],
  log: Logger,
  signal: AbortSignal,
  timeoutMs = 30_000,
): Promise<void> {
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    try {
      await client.get(CUSTOM_RESOURCE_DEFINITION, name, { signal });
      continue;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    log.info({ crd: name }, 'installing CRD');
    await client.apply(CUSTOM_RESOURCE_DEFINITION, crd, {
      fieldManager: ENGINE_FIELD_MANAGER,
      force: true,
      signal,
    });
  }
  // Wait until each CRD's preferred (storage) version answers a list.
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const spec = crd.spec ?? {};
    const version = (spec.versions ?? []).find((v: any) => v.storage)?.name ?? spec.versions?.[0]?.name;
    const res = {
      group: spec.group,
      version,
      resource: spec.names?.plural,
      namespaced: spec.scope === 'Namespaced',
    };
    for (;;) {
      try {
        await client.list(res, { limit: 1, signal });
        break;
      } catch (e) {
        if (signal.aborted) return;
        if (Date.now() > deadline)
          throw new Error(
            `CRD ${crd.metadata?.name} is not served after ${timeoutMs} ms: ${(e as Error).message}`,
          );
        await sleep(100, signal);
      }
    }
  }
}
