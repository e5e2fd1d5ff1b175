/**
 * Informer sets put one abort listener per informer on the signal they are given; with dozens of
 * workload resources that trips Node's MaxListeners warning. These wrappers hand them a linked
 * signal without the cap.
 */
import { setMaxListeners } from 'node:events';
import type { DynamicInformers } from '../runtime/dynamic-informers.js';
import type { Runnable } from '../runtime/manager.js';

/** A signal that aborts with `signal` and accepts any number of listeners; call `release` when done. */
export function uncapped(signal?: AbortSignal): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const onAbort = () => ac.abort();
  if (signal?.aborted) ac.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { signal: ac.signal, release: () => signal?.removeEventListener('abort', onAbort) };
}

/** The informer set as a cache Runnable whose informers share one uncapped signal. */
export function informersRunnable(informers: DynamicInformers): Runnable {
  return {
    needLeaderElection: false,
    async start(signal) {
      const u = uncapped(signal);
      try {
        await informers.start(u.signal);
      } finally {
        u.release();
      }
    },
    async waitForSync(signal) {
      const u = uncapped(signal);
      try {
        return await informers.waitForSync(u.signal);
      } finally {
        u.release();
      }
    },
  };
}
