import { NAMESPACE } from '../api/gvr.js';
import type { DynamicClient } from './dynamic.js';
import { isAlreadyExists } from './errors.js';

/** Creates the namespace unless it exists already. */
export async function ensureNamespace(client: DynamicClient, name: string): Promise<void> {
  try {
    await client.create(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}
